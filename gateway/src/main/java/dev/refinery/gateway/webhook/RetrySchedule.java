package dev.refinery.gateway.webhook;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is tried again: exponential backoff ({@code first}, then twice as long each time, up to
 * {@code max}) with jitter, so the deliveries that failed together during a receiver's outage do not all come back at
 * the same moment; none after {@code maxAttempts}. The schedule is data (the delivery's next_attempt_at), not a waiting
 * thread, so it survives a restart and any replica may make the next attempt.
 */
public record RetrySchedule(int maxAttempts, Duration first, Duration max) {

    /** Jitter takes away up to this share of each wait (never adds: the cap stays a cap). */
    private static final double JITTER = 0.25;

    /** The wait after the {@code attempts}-th failed attempt of a round, or empty when the round is over. */
    public Optional<Duration> delayAfter(int attempts, RandomGenerator random) {
        if (attempts >= maxAttempts) {
            return Optional.empty();
        }
        long base = first.toMillis();
        for (int i = 1; i < attempts && base < max.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, max.toMillis());
        return Optional.of(Duration.ofMillis(base - (long) (base * JITTER * random.nextDouble())));
    }
}
