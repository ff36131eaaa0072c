package dev.refinery.kit.lease;

import java.time.Duration;
import java.util.Objects;

/**
 * A kind of leased work and its rules: how long a claim lasts without renewal, how many failed attempts the work gets,
 * and the exponential back-off (with jitter) before an attempt that failed, or was given back, is tried again.
 *
 * @param name        the {@code kind} column, e.g. {@code training-job}
 * @param duration    a claim not renewed for this long is taken to be dead and may be taken over
 * @param maxFailures attempts that may fail (or die) before the work is given up; transient trouble never counts
 * @param backoffBase the first wait; it doubles with each failure or transient retry
 * @param backoffMax  the longest wait
 */
public record LeaseKind(String name, Duration duration, int maxFailures, Duration backoffBase, Duration backoffMax) {

    public LeaseKind {
        Objects.requireNonNull(name, "name");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a lease must last, got " + duration);
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, got " + maxFailures);
        }
        if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("back-off must be 0 <= base <= max, got " + backoffBase + " and " + backoffMax);
        }
    }

    /** How often a holder renews: a third of the lease, so two renewals may fail before the claim expires. */
    public Duration renewEvery() {
        return duration.dividedBy(3);
    }
}
