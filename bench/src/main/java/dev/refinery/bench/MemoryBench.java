package dev.refinery.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.refinery.engine.nn.TokenBatch;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a few LoRA training steps on stories260K with a batch of 8 x 256 tokens under whatever heap the JVM
 * was given (run with -Xmx512m to check the limit) and reports, from the garbage collector's own
 * notifications, the most heap in use just before a collection (what the heap had to hold, garbage
 * included) and the most still in use just after one (the live set). An OutOfMemoryError would end the
 * run with a failure.
 */
public final class MemoryBench {

    public static void main(String[] args) {
        int steps = Integer.getInteger("bench.steps", 5);
        AtomicLong peakBefore = new AtomicLong();
        AtomicLong peakAfter = new AtomicLong();
        AtomicLong collections = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                peakBefore.accumulateAndGet(total(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
                peakAfter.accumulateAndGet(total(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
                collections.incrementAndGet();
            }, null, null);
        }
        long max = Runtime.getRuntime().maxMemory();
        BenchModels.Model m = BenchModels.stories260k();
        TokenBatch batch = BenchModels.randomBatch(m.config(), 7);
        LoraStep step = new LoraStep(m);
        double loss = Double.NaN;
        for (int i = 0; i < steps; i++) {
            loss = step.run(batch);
        }
        System.gc();
        long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        peakBefore.accumulateAndGet(used, Math::max);
        System.out.printf("memory: %s, %d LoRA steps, batch %dx%d, max heap (-Xmx) %d MiB: completed; peak heap in use %d MiB,"
                        + " peak live after GC %d MiB (%d collections), last loss %.4f%n",
                m.name(), steps, BenchModels.BATCH, BenchModels.SEQ_LEN, max >> 20, peakBefore.get() >> 20, peakAfter.get() >> 20,
                collections.get(), loss);
    }

    private static long total(Map<String, MemoryUsage> pools) {
        long sum = 0;
        for (MemoryUsage u : pools.values()) {
            sum += u.getUsed();
        }
        return sum;
    }
}
