package dev.refinery.bench;

import java.util.Arrays;

/** Median wall time of repeated runs after a warm-up, so one slow run (GC, a neighbour's burst) does not decide the result. */
final class Timer {

    private Timer() {
    }

    /** Seconds per run: the median of {@code timed} runs after {@code warmup} untimed ones. */
    static double medianSeconds(int warmup, int timed, Runnable body) {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        double[] s = new double[timed];
        for (int i = 0; i < timed; i++) {
            long t0 = System.nanoTime();
            body.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        return timed % 2 == 1 ? s[timed / 2] : (s[timed / 2 - 1] + s[timed / 2]) / 2;
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
