package dev.refinery.bench;

import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.kernel.MatrixKernel;

import java.util.SplittableRandom;

/**
 * Throughput of the matrix-product kernel, single-threaded and on all cores, for the shapes a
 * training step of the benchmark models uses. Prints GFLOP/s (2 flops per multiply-add) and two shares
 * of peak: of the nominal figure given by {@code -Dbench.peakGflops} (227, the estimate for two
 * Zen 4 cores), and of the FMA ceiling measured on this machine by {@link PeakFlops} (one thread's
 * ceiling times the thread count, so a busy neighbour cannot make the share look better). Timings use
 * the best of five rounds.
 */
public final class KernelBench {

    public static void main(String[] args) throws InterruptedException {
        double nominal = Double.parseDouble(System.getProperty("bench.peakGflops", "227"));
        double onePeak = PeakFlops.measure(1);
        double measuredPeak = onePeak * Kernels.threads();
        int[][] shapes = {
            {1024, 1024, 1024},
            {2048, 2048, 2048},
            {2048, 768, 288},   // 15M model: gate/up projection of an 8x256 batch
            {2048, 288, 768},   // 15M model: down
            {2048, 288, 288},   // 15M model: q/k/v/o
            {512, 32000, 288},  // 15M model: logits of 512 target rows
            {2048, 64, 64},     // stories260K: q/o
        };
        System.out.println("kernel: " + Kernels.kernel().name() + ", threads: " + Kernels.threads() + ", load average " + Timer.loadAverage());
        System.out.printf("measured FMA ceiling: %.1f GFLOP/s on one thread, x%d threads = %.1f; nominal peak %.1f GFLOP/s%n",
                onePeak, Kernels.threads(), measuredPeak, nominal);
        System.out.printf("%-18s %14s %14s %12s %14s%n", "M x N x K", "1 thread", "all cores", "% nominal", "% measured");
        for (int[] s : shapes) {
            double single = measure(s[0], s[1], s[2], false);
            double multi = measure(s[0], s[1], s[2], true);
            System.out.printf("%-18s %9.1f GF/s %9.1f GF/s %11.1f%% %13.1f%%%n", s[0] + "x" + s[1] + "x" + s[2], single, multi,
                    100 * multi / nominal, 100 * multi / measuredPeak);
        }
    }

    private static double measure(int m, int n, int k, boolean parallel) {
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextDouble();
        }
        MatrixKernel kernel = Kernels.kernel();
        double flops = 2.0 * m * n * k;
        int reps = (int) Math.max(3, Math.min(200, 2e10 / flops));
        // Warm up the JIT, then keep the best of several timed rounds.
        for (int i = 0; i < Math.max(3, reps / 2); i++) {
            run(kernel, parallel, a, b, c, m, n, k);
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                run(kernel, parallel, a, b, c, m, n, k);
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / reps);
        }
        return flops / best / 1e9;
    }

    private static void run(MatrixKernel kernel, boolean parallel, float[] a, float[] b, float[] c, int m, int n, int k) {
        if (parallel) {
            Kernels.matmulTransB(a, 0, k, b, 0, k, c, 0, n, m, n, k, false);
        } else {
            kernel.matmulTransB(a, 0, k, b, 0, k, c, 0, n, m, n, k, false);
        }
    }
}
