package dev.refinery.bench;

import dev.refinery.engine.nn.TokenBatch;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Runs a few LoRA training steps on stories260K with a batch of 8 x 256 tokens under whatever heap the JVM
 * was given (run with -Xmx512m to check the limit) and prints the peak heap use that the
 * garbage collector's pools recorded. An OutOfMemoryError would end the run with a failure.
 */
public final class MemoryBench {

    public static void main(String[] args) {
        int steps = Integer.getInteger("bench.steps", 5);
        long max = Runtime.getRuntime().maxMemory();
        BenchModels.Model m = BenchModels.stories260k();
        TokenBatch batch = BenchModels.randomBatch(m.config(), 7);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        LoraStep step = new LoraStep(m);
        double loss = Double.NaN;
        for (int i = 0; i < steps; i++) {
            loss = step.run(batch);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("memory: %s, %d LoRA steps, batch %dx%d, max heap %d MiB, peak heap used %d MiB (sum of pool peaks), last loss %.4f%n",
                m.name(), steps, BenchModels.BATCH, BenchModels.SEQ_LEN, max >> 20, peak >> 20, loss);
    }
}
