package dev.refinery.kit.lease;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void theNominalWaitDoublesUpToItsCap() {
        assertEquals(Duration.ofSeconds(1), Backoff.nominal(1, BASE, MAX));
        assertEquals(Duration.ofSeconds(2), Backoff.nominal(2, BASE, MAX));
        assertEquals(Duration.ofSeconds(16), Backoff.nominal(5, BASE, MAX));
        assertEquals(MAX, Backoff.nominal(6, BASE, MAX));
        assertEquals(MAX, Backoff.nominal(1_000, BASE, MAX));
    }

    @Test
    void theJitteredWaitIsBetweenHalfAndAllOfTheNominalAndSpreadsOut() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            long w = Backoff.after(4, BASE, MAX).toMillis();
            assertTrue(w >= 4_000 && w <= 8_000, "wait " + w);
            seen.add(w);
        }
        assertTrue(seen.size() > 50, "replicas that failed together come back spread out: " + seen.size() + " distinct waits");
    }

    @Test
    void noFailureMeansNoWait() {
        assertEquals(Duration.ZERO, Backoff.after(0, BASE, MAX));
    }
}
