package dev.refinery.eval.inference;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The wait a server asks for before the next try: {@code retry-after-ms} first (milliseconds, Together and OpenAI
 * send it), then {@code retry-after} as seconds or as an HTTP date (RFC 9110 §10.2.3), the order the providers' own
 * SDKs read them in (providers.md §1.1). A value that cannot be read is ignored: the client's own backoff applies.
 */
final class RetryAfter {

    private RetryAfter() {
    }

    static Optional<Duration> from(HttpHeaders headers, Clock clock) {
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(RetryAfter::milliseconds);
        if (millis.isPresent()) {
            return millis;
        }
        return headers.firstValue("retry-after").flatMap(value -> parse(value, clock));
    }

    static Optional<Duration> parse(String value, Clock clock) {
        String text = value.strip();
        try {
            double seconds = Double.parseDouble(text);
            return seconds >= 0 && Double.isFinite(seconds) ? Optional.of(Duration.ofMillis(Math.round(seconds * 1000))) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), when.toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static Optional<Duration> milliseconds(String value) {
        try {
            double millis = Double.parseDouble(value.strip());
            return millis >= 0 && Double.isFinite(millis) ? Optional.of(Duration.ofMillis(Math.round(millis))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
