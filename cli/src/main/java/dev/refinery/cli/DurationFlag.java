package dev.refinery.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wait as people write it on a command line: a whole number and s, m or h ({@code 90s}, {@code 60m}, {@code 2h});
 * picocli's converter for options of type {@link Duration}.
 */
final class DurationFlag implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern FORM = Pattern.compile("(\\d{1,6})([smh])");

    @Override
    public Duration convert(String value) {
        Matcher m = FORM.matcher(value == null ? "" : value.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new CommandLine.TypeConversionException("a wait such as 90s, 60m or 2h is needed, got '" + value + "'");
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
