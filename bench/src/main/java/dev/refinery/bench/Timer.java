package dev.refinery.bench;

import java.util.Arrays;

/** Median wall time of repeated runs after a warm-up, so one slow run (GC, a neighbour's burst) does not decide the result. */
final class Timer {

    private Timer() {
    }

    /** Median wall time of the timed runs, and the process CPU time (all threads) per timed run. */
    record Result(double medianSeconds, double cpuSecondsPerRun) {
    }

    /** Untimed runs until the JIT has settled, as in bench/torch/lora_step.py. */
    static final double WARMUP_SECONDS = 3.0;

    /**
     * Runs at least {@code warmup} untimed runs and keeps going until {@link #WARMUP_SECONDS} have passed
     * (C2 compiles the kernels only after thousands of calls; three small steps are not enough), then
     * {@code timed} timed ones.
     */
    static Result measure(int warmup, int timed, Runnable body) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - warmStart < WARMUP_SECONDS * 1e9; i++) {
            body.run();
        }
        double[] s = new double[timed];
        long cpu0 = processCpuNanos();
        for (int i = 0; i < timed; i++) {
            long t0 = System.nanoTime();
            body.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        double cpu = (processCpuNanos() - cpu0) / 1e9 / timed;
        Arrays.sort(s);
        double median = timed % 2 == 1 ? s[timed / 2] : (s[timed / 2 - 1] + s[timed / 2]) / 2;
        return new Result(median, cpu);
    }

    /** CPU time of the whole JVM so far (JIT and GC threads included), or 0 when the platform does not say. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }

    /** The 1-minute load average, printed next to every table because the machine is shared. */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
