package dev.refinery.kit.lease;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with "equal jitter": after the n-th failure the wait is base x 2^(n-1), capped, of which the
 * second half is random. Replicas that failed together (a database outage ends for all of them at once) come back
 * spread out instead of in one burst, and no wait is shorter than half its nominal value.
 */
public final class Backoff {

    private Backoff() {
    }

    /** The wait after {@code failures} consecutive failures (0 or less: none). */
    public static Duration after(int failures, Duration base, Duration max) {
        if (failures <= 0 || base.isZero()) {
            return Duration.ZERO;
        }
        Duration nominal = nominal(failures, base, max);
        long half = nominal.toMillis() / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(nominal.toMillis() - half + 1));
    }

    /** The wait before jitter: base x 2^(failures-1), at most {@code max}. */
    static Duration nominal(int failures, Duration base, Duration max) {
        int doublings = Math.min(failures - 1, 30);
        long millis = base.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
