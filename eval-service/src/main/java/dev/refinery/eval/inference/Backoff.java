package dev.refinery.eval.inference;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * The wait before the next try. A delay the server asked for (within {@code maxServerDelay}) is honoured as given:
 * the server knows when its rate window reopens. Otherwise exponential backoff with full jitter (a random wait
 * between 0 and initial x 2^n, capped), so that the 32 items that hit the same 429 do not come back together.
 */
final class Backoff {

    private final InferenceSettings settings;
    /** Given a bound, a random value in [0, bound]: injectable so that tests can pin it. */
    private final LongUnaryOperator jitter;

    Backoff(InferenceSettings settings, LongUnaryOperator jitter) {
        this.settings = settings;
        this.jitter = jitter;
    }

    /** @param failedAttempts tries made so far (1 after the first failure) */
    Duration before(int failedAttempts, Optional<Duration> serverDelay) {
        if (serverDelay.isPresent() && serverDelay.get().compareTo(settings.maxServerDelay()) <= 0) {
            return serverDelay.get();
        }
        long initial = settings.initialBackoff().toMillis();
        long cap = settings.maxBackoff().toMillis();
        int doublings = Math.min(failedAttempts - 1, 30);
        long ceiling = Math.min(cap, initial << doublings);
        return Duration.ofMillis(jitter.applyAsLong(Math.max(0, ceiling)));
    }
}
