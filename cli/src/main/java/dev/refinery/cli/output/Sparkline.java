package dev.refinery.cli.output;

import java.util.List;

/** A row of block characters for a series, lowest {@code ▁} to highest {@code █}: a loss curve in a terminal line. */
public final class Sparkline {

    private static final char[] BLOCKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588".toCharArray();

    private Sparkline() {
    }

    /** The last {@code width} values of {@code series}, scaled between their own minimum and maximum. */
    public static String of(List<Double> series, int width) {
        List<Double> tail = series.subList(Math.max(0, series.size() - width), series.size()).stream()
                .filter(v -> v != null && Double.isFinite(v)).toList();
        if (tail.isEmpty()) {
            return "";
        }
        double min = tail.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = tail.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder s = new StringBuilder(tail.size());
        for (double v : tail) {
            int i = max > min ? (int) Math.round((v - min) / (max - min) * (BLOCKS.length - 1)) : BLOCKS.length / 2;
            s.append(BLOCKS[i]);
        }
        return s.toString();
    }
}
