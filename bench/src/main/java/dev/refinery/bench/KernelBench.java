package dev.refinery.bench;

import dev.refinery.engine.kernel.Kernels;
import dev.refinery.engine.kernel.MatrixKernel;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Throughput of the matrix-product kernel, single-threaded and on all cores, for the shapes a
 * training step of the benchmark models uses, in the storage layouts the forward (A B^T) and backward
 * (A B, A^T B) passes call. Prints GFLOP/s (2 flops per multiply-add) and two shares of peak: of the
 * nominal figure given by {@code -Dbench.peakGflops} (227, the estimate for two Zen 4 cores),
 * and of the FMA ceiling measured on this machine by {@link PeakFlops} (one thread's ceiling times the
 * thread count, so a busy neighbour cannot make the share look better). Timings use the best of five
 * rounds.
 *
 * <p>The machine is often shared, so the single-thread product is also timed in the thread's own CPU
 * time ("1 thr/cpu-s") and set against the FMA ceiling timed the same way: time spent descheduled by a
 * neighbour's build then does not count, and before/after comparisons hold even under load. The
 * all-cores column is wall-clock time and needs a quiet machine.
 *
 * <p>{@code -Dbench.shapes=square-1024,vocab} keeps only the rows whose name starts with one of the given
 * prefixes, for short comparison runs on a shared machine.
 */
public final class KernelBench {

    /** One benchmark row: C (m x n) = op(A) op(B) over k, with the layout the engine uses for it. */
    private record Shape(String name, int m, int n, int k, boolean transA, boolean transB) {

        String layout() {
            return (transA ? "A^T" : "A") + " " + (transB ? "B^T" : "B");
        }
    }

    private static final Shape[] SHAPES = {
        new Shape("square-1024", 1024, 1024, 1024, false, true),
        new Shape("square-2048", 2048, 2048, 2048, false, true),
        new Shape("qkvo-15M", 2048, 288, 288, false, true),       // tokens x dim times dim x dim (8 x 256 batch)
        new Shape("gate-up-15M", 2048, 768, 288, false, true),
        new Shape("down-15M", 2048, 288, 768, false, true),
        new Shape("vocab-15M", 512, 32000, 288, false, true),     // logits of 512 target rows
        new Shape("dx-down-15M", 2048, 768, 288, false, false),   // backward: dX = dY W, W stored k x n
        new Shape("dw-down-15M", 288, 768, 2048, true, false),    // backward: dW = dY^T X
        new Shape("lora-a-r8", 2048, 8, 288, false, true),        // x A^T, rank 8 (the dot-product path)
        new Shape("lora-b-r8", 2048, 288, 8, false, true),        // (x A^T) B^T: rank on the shared side
        new Shape("lora-db-r8", 8, 288, 2048, true, false),       // backward: dB^T = (x A^T)^T dY, rank rows of C
        new Shape("lora-dx-r8", 2048, 288, 8, false, false),      // backward: dX += dax A
        new Shape("qo-260K", 2048, 64, 64, false, true),
    };

    public static void main(String[] args) throws InterruptedException {
        double nominal = Double.parseDouble(System.getProperty("bench.peakGflops", "227"));
        String[] only = System.getProperty("bench.shapes", "").isBlank() ? null : System.getProperty("bench.shapes").split(",");
        double onePeak = PeakFlops.measure(1);
        double cpuPeak = PeakFlops.measurePerCpuSecond();
        double measuredPeak = onePeak * Kernels.threads();
        System.out.println("machine: " + Machine.describe());
        // -XX:UseAVX=2 makes an AVX-512 CPU look like an AVX2 one to the JIT; the CPU line cannot show it.
        System.out.println("jvm flags: " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("kernel: " + Kernels.kernel().name() + ", threads: " + Kernels.threads() + ", load average " + Timer.loadAverage());
        System.out.printf(Locale.ROOT, "measured FMA ceiling: %.1f GFLOP/s on one thread, x%d threads = %.1f; "
                + "%.1f per CPU-second of one thread; nominal peak %.1f GFLOP/s%n", onePeak, Kernels.threads(), measuredPeak, cpuPeak, nominal);
        System.out.printf(Locale.ROOT, "%-12s %-16s %-7s %14s %14s %7s %14s %11s %11s%n", "shape", "M x N x K", "layout",
                "1 thread", "1 thr/cpu-s", "% cpu", "all cores", "% nominal", "% measured");
        for (Shape s : SHAPES) {
            if (!selected(s, only)) {
                continue;
            }
            double[] single = measure(s, false);
            double multi = measure(s, true)[0];
            System.out.printf(Locale.ROOT, "%-12s %-16s %-7s %9.1f GF/s %9.1f GF/s %6.1f%% %9.1f GF/s %10.1f%% %10.1f%%%n", s.name(),
                    s.m() + "x" + s.n() + "x" + s.k(), s.layout(), single[0], single[1], 100 * single[1] / cpuPeak, multi,
                    100 * multi / nominal, 100 * multi / measuredPeak);
        }
    }

    private static boolean selected(Shape s, String[] only) {
        if (only == null) {
            return !s.name().equals("square-2048");   // the slowest row; ask for it by name
        }
        for (String prefix : only) {
            if (s.name().startsWith(prefix.strip())) {
                return true;
            }
        }
        return false;
    }

    /** GFLOP/s on the wall clock and per second of the calling thread's CPU time (meaningful single-threaded only). */
    private static double[] measure(Shape s, boolean parallel) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        SplittableRandom r = new SplittableRandom(1);
        float[] a = random(r, m * k);
        float[] b = random(r, n * k);
        float[] c = new float[m * n];
        int lda = s.transA() ? m : k;
        int ldb = s.transB() ? k : n;
        MatrixKernel kernel = Kernels.kernel();
        double flops = 2.0 * m * n * k;
        int reps = (int) Math.max(3, Math.min(2000, 1e10 / flops));
        // Warm up the JIT, then keep the best of several timed rounds.
        for (int i = 0; i < Math.max(3, reps / 2); i++) {
            run(kernel, parallel, s, a, lda, b, ldb, c);
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                run(kernel, parallel, s, a, lda, b, ldb, c);
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / reps);
            bestCpu = Math.min(bestCpu, (threads.getCurrentThreadCpuTime() - cpu0) / 1e9 / reps);
        }
        return new double[] {flops / best / 1e9, flops / bestCpu / 1e9};
    }

    private static float[] random(SplittableRandom r, int size) {
        float[] v = new float[size];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return v;
    }

    private static void run(MatrixKernel kernel, boolean parallel, Shape s, float[] a, int lda, float[] b, int ldb, float[] c) {
        if (parallel) {
            Kernels.gemm(s.transA(), s.transB(), a, 0, lda, b, 0, ldb, c, 0, s.n(), s.m(), s.n(), s.k(), false);
        } else {
            kernel.gemm(s.transA(), s.transB(), a, 0, lda, b, 0, ldb, c, 0, s.n(), s.m(), s.n(), s.k(), false);
        }
    }
}
