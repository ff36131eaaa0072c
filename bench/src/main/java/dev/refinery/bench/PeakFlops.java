package dev.refinery.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the fp32 fused multiply-add throughput this JVM can reach: chains of independent vector FMAs
 * on registers only, with no memory traffic, on one thread and on several at once. This is the ceiling a
 * matrix kernel is judged against when the nominal peak (cores x clock x FMA width) is uncertain:
 * virtual machines hide the clock, and Zen 4 (two 256-bit FMA pipes) and Zen 5 (two 512-bit pipes)
 * differ by a factor of two.
 */
final class PeakFlops {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private PeakFlops() {
    }

    /** Best GFLOP/s over a few rounds with {@code threads} threads running the FMA loop together. */
    static double measure(int threads) throws InterruptedException {
        long iterations = 20_000_000L;
        for (int warm = 0; warm < 3; warm++) {
            run(threads, iterations / 10);
        }
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            run(threads, iterations);
            double s = (System.nanoTime() - t0) / 1e9;
            // 12 FMAs of L lanes per iteration, 2 flops each.
            best = Math.max(best, threads * iterations * 12.0 * L * 2 / s / 1e9);
        }
        return best;
    }

    /**
     * One thread's FMA rate per second of CPU time it was given, on the calling thread: what one core
     * delivers when it runs nothing else. On a shared machine this is far steadier than wall-clock time,
     * since time the thread spent descheduled is not counted.
     */
    static double measurePerCpuSecond() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long iterations = 20_000_000L;
        for (int warm = 0; warm < 3; warm++) {
            sink += chains(iterations / 10);
        }
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = threads.getCurrentThreadCpuTime();
            sink += chains(iterations);
            double s = (threads.getCurrentThreadCpuTime() - t0) / 1e9;
            best = Math.max(best, iterations * 12.0 * L * 2 / s / 1e9);
        }
        return best;
    }

    private static volatile float sink;

    private static void run(int threads, long iterations) throws InterruptedException {
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                float r = chains(iterations);
                synchronized (PeakFlops.class) {
                    sink += r;
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    /** Twelve independent accumulators: enough to cover the FMA latency on two pipes. */
    private static float chains(long iterations) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f);
        FloatVector y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.printf("FMA peak (measured): 1 thread %.1f GFLOP/s, %d threads %.1f GFLOP/s%n",
                measure(1), Runtime.getRuntime().availableProcessors(), measure(Runtime.getRuntime().availableProcessors()));
    }
}
