package dev.refinery.providers.http;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When to retry and how long to wait: 429 and 5xx, up to {@code maxRetries} times, waiting
 * {@code initialDelay × 2^n} capped at {@code maxDelay}, unless the server said how long in {@code retry-after-ms}
 * or {@code retry-after} (seconds or an HTTP date) and that is between 0 and {@code maxServerDelay}. The defaults
 * are the Together SDK's (reference providers.md §1.1): 5 retries, 0.5 s, 8 s, 60 s.
 */
public record RetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay, Duration maxServerDelay) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public static boolean retryableStatus(int status) {
        return status == 429 || status >= 500;
    }

    /** The wait before retry number {@code retry} (0-based), from the response headers when they say. */
    public Duration delay(int retry, HttpHeaders headers, Instant now) {
        return serverDelay(headers, now).orElseGet(() -> backoff(retry));
    }

    Duration backoff(int retry) {
        long millis = initialDelay.toMillis() << Math.min(retry, 30);
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }

    private Optional<Duration> serverDelay(HttpHeaders headers, Instant now) {
        if (headers == null) {
            return Optional.empty();
        }
        Optional<Duration> ms = headers.firstValue("retry-after-ms").flatMap(v -> parseNumber(v).map(x -> Duration.ofMillis(Math.round(x))));
        Optional<Duration> chosen = ms.isPresent() ? ms : headers.firstValue("retry-after").flatMap(v -> parseRetryAfter(v, now));
        return chosen.filter(d -> !d.isNegative() && d.compareTo(maxServerDelay) <= 0);
    }

    private static Optional<Duration> parseRetryAfter(String value, Instant now) {
        Optional<Double> seconds = parseNumber(value);
        if (seconds.isPresent()) {
            return Optional.of(Duration.ofMillis(Math.round(seconds.get() * 1000)));
        }
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(Duration.between(now, at));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> parseNumber(String value) {
        try {
            return Optional.of(Double.parseDouble(value.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
