package dev.refinery.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A wait as people write it on a command line: a whole number and s, m or h ({@code 90s}, {@code 60m}, {@code 2h}). */
final class DurationFlag {

    private static final Pattern FORM = Pattern.compile("(\\d{1,6})([smh])");

    private DurationFlag() {
    }

    static Duration parse(String flag, String value) {
        Matcher m = FORM.matcher(value == null ? "" : value.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(flag + " takes a wait such as 90s, 60m or 2h, got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The wait in the largest whole unit that writes it exactly, as it was given. */
    static String describe(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
