package dev.refinery.cli.output;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for long byte-counted work (an upload, a check of a large file), redrawn in place on a terminal:
 * {@code upload  [######······]  45%  45.0 MiB / 100.0 MiB  9.0 MiB/s  ETA 6s}. Redraws at most every 200 ms of the
 * given clock, so that counting every read costs nothing.
 */
public final class ProgressBar {

    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 24;

    private final String label;
    private final long total;
    private final LongSupplier nanoClock;
    private final PrintStream to;
    private final long started;
    private long lastDrawn = Long.MIN_VALUE;
    private boolean finished;

    /**
     * @param total     the bytes the work will have counted at its end; 0 or less when unknown (no bar, no ETA)
     * @param nanoClock {@link System#nanoTime} but in tests
     */
    public ProgressBar(String label, long total, LongSupplier nanoClock, PrintStream to) {
        this.label = label;
        this.total = total;
        this.nanoClock = nanoClock;
        this.to = to;
        this.started = nanoClock.getAsLong();
    }

    /** Redraws for {@code done} bytes unless the last redraw is too recent. */
    public void update(long done) {
        long now = nanoClock.getAsLong();
        if (finished || (lastDrawn != Long.MIN_VALUE && now - lastDrawn < REDRAW_NANOS)) {
            return;
        }
        lastDrawn = now;
        to.print("\r" + line(done, now) + "\u001b[K");
        to.flush();
    }

    /** Draws the final state and ends the line; later updates draw nothing. */
    public void finish(long done) {
        if (finished) {
            return;
        }
        finished = true;
        to.print("\r" + line(done, nanoClock.getAsLong()) + "\u001b[K\n");
        to.flush();
    }

    /** The line for {@code done} bytes at the clock's {@code now}. */
    String line(long done, long now) {
        double seconds = Math.max(0, now - started) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder s = new StringBuilder(label).append("  ");
        if (total > 0) {
            double share = Math.min(1.0, (double) done / total);
            int full = (int) Math.round(share * WIDTH);
            s.append('[').append("#".repeat(full)).append("\u00b7".repeat(WIDTH - full)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(share * 100)))
                    .append(bytes(done)).append(" / ").append(bytes(total));
        } else {
            s.append(bytes(done));
        }
        s.append("  ").append(bytes((long) rate)).append("/s");
        if (total > 0 && done < total) {
            s.append("  ETA ").append(rate > 0 ? duration((long) Math.ceil((total - done) / rate)) : "--");
        } else if (total > 0) {
            s.append("  in ").append(duration(Math.round(seconds)));
        }
        return s.toString();
    }

    /** Bytes in binary units with one decimal: {@code 512 B}, {@code 1.5 KiB}, {@code 45.0 MiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Seconds as {@code 42s}, {@code 3m05s} or {@code 1h02m}. */
    public static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
