package dev.refinery.datasets.read;

/** A byte count as people read a limit: {@code 10 GiB (10737418240 bytes)}, exact bytes kept for scripts. */
final class ByteSize {

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private ByteSize() {
    }

    static String of(long bytes) {
        int unit = -1;
        long whole = bytes;
        while (unit + 1 < UNITS.length && whole >= 1024 && whole % 1024 == 0) {
            whole /= 1024;
            unit++;
        }
        return unit < 0 ? bytes + " bytes" : whole + " " + UNITS[unit] + " (" + bytes + " bytes)";
    }
}
