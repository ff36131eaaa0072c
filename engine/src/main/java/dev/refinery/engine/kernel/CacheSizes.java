package dev.refinery.engine.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sizes of the first core's L1 data cache and L2, which set the packed product's block sizes. Read from
 * Linux's {@code /sys/devices/system/cpu/cpu0/cache/index*} (level, type, size such as "32K"); where that
 * is missing (another OS, a container hiding sysfs) or unreadable, the defaults are the smallest sizes
 * of the x86 cores the engine runs on, so blocks still fit when the guess is wrong.
 */
record CacheSizes(int l1DataBytes, int l2Bytes, boolean detected) {

    static final int DEFAULT_L1 = 32 * 1024;
    static final int DEFAULT_L2 = 512 * 1024;

    static CacheSizes ofThisMachine() {
        return read(Path.of("/sys/devices/system/cpu/cpu0/cache"));
    }

    static CacheSizes read(Path cacheDir) {
        int l1 = 0;
        int l2 = 0;
        for (int index = 0; index < 8; index++) {
            Path dir = cacheDir.resolve("index" + index);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try {
                int level = Integer.parseInt(Files.readString(dir.resolve("level")).strip());
                String type = Files.readString(dir.resolve("type")).strip();
                int size = parseSize(Files.readString(dir.resolve("size")).strip());
                if (level == 1 && type.equals("Data")) {
                    l1 = size;
                } else if (level == 2 && !type.equals("Instruction")) {
                    l2 = size;
                }
            } catch (IOException | RuntimeException e) {
                // one unreadable entry: keep what the others say, defaults for the rest
            }
        }
        boolean detected = l1 > 0 && l2 > 0;
        return new CacheSizes(l1 > 0 ? l1 : DEFAULT_L1, l2 > 0 ? l2 : DEFAULT_L2, detected);
    }

    /** "48K", "2048K", "1M" or plain bytes. */
    static int parseSize(String text) {
        char unit = Character.toUpperCase(text.charAt(text.length() - 1));
        if (Character.isDigit(unit)) {
            return Integer.parseInt(text);
        }
        int value = Integer.parseInt(text.substring(0, text.length() - 1));
        return switch (unit) {
            case 'K' -> value * 1024;
            case 'M' -> value * 1024 * 1024;
            default -> throw new IllegalArgumentException("cache size " + text);
        };
    }

    @Override
    public String toString() {
        return "L1d " + l1DataBytes / 1024 + " KiB, L2 " + l2Bytes / 1024 + " KiB" + (detected ? "" : " (defaults)");
    }
}
