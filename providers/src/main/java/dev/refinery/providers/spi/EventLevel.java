package dev.refinery.providers.spi;

import java.util.Locale;

/** Event severity, read case-insensitively from "Info", "info", "INFO", "warn", "Warning", "" and null. */
public enum EventLevel {
    INFO,
    WARNING,
    ERROR;

    public static EventLevel parse(String raw) {
        if (raw == null) {
            return INFO;
        }
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("warn")) {
            return WARNING;
        }
        if (s.startsWith("err") || s.equals("fatal") || s.equals("critical")) {
            return ERROR;
        }
        return INFO;
    }
}
