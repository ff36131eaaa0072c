package dev.refinery.ingest.limits;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token buckets on a hand-driven clock: rate, burst, all-or-nothing batches, debt, and forgetting refilled buckets. */
class ProducerRateLimitsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final ProducerLimit TWO_A_SECOND_FOUR_AT_ONCE = new ProducerLimit(2, 4);

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final ProducerRateLimits limits = new ProducerRateLimits(now::get, 3);

    private Optional<ProducerRateLimits.Refusal> take(String producer, int count) {
        return limits.take("col-1", Map.of(producer, count), TWO_A_SECOND_FOUR_AT_ONCE, now.get());
    }

    @Test
    void aBurstIsTakenThenTheRateAndTheWaitIsSaidInWholeSeconds() {
        assertTrue(take("p", 4).isEmpty());
        ProducerRateLimits.Refusal refusal = take("p", 1).orElseThrow();
        assertEquals("p", refusal.producerId());
        assertEquals(SECOND / 2, refusal.waitNanos(), "one example at two a second");
        assertEquals(1, refusal.waitSeconds());
        now.addAndGet(SECOND / 2);
        assertTrue(take("p", 1).isEmpty());
        assertTrue(take("p", 1).isPresent());
        now.addAndGet(10 * SECOND);
        assertTrue(take("p", 4).isEmpty(), "refilled up to the burst, not beyond it");
        assertTrue(take("p", 1).isPresent());
    }

    @Test
    void producersAndCollectionsHaveTheirOwnBuckets() {
        assertTrue(take("p", 4).isEmpty());
        assertTrue(take("p", 1).isPresent());
        assertTrue(take("q", 4).isEmpty());
        assertTrue(limits.take("col-2", Map.of("p", 4), TWO_A_SECOND_FOUR_AT_ONCE, now.get()).isEmpty());
    }

    @Test
    void aBatchOfSeveralProducersIsTakenWhollyOrNotAtAll() {
        assertTrue(take("q", 3).isEmpty());
        ProducerRateLimits.Refusal refusal = limits.take("col-1", Map.of("p", 2, "q", 2), TWO_A_SECOND_FOUR_AT_ONCE, now.get()).orElseThrow();
        assertEquals("q", refusal.producerId());
        assertTrue(take("p", 4).isEmpty(), "the refused batch took nothing from p");
    }

    @Test
    void aRequestLargerThanTheBurstWaitsForAFullBucketAndLeavesItInDebt() {
        assertTrue(take("p", 1).isEmpty());
        assertTrue(take("p", 10).isPresent(), "needs a full bucket");
        now.addAndGet(SECOND / 2);
        assertTrue(take("p", 10).isEmpty());
        ProducerRateLimits.Refusal refusal = take("p", 1).orElseThrow();
        assertEquals(7 * SECOND / 2, refusal.waitNanos(), "six examples of debt and one more, at two a second");
    }

    @Test
    void aSmallerLimitTakesEffectAtOnce() {
        assertTrue(take("p", 4).isEmpty());
        now.addAndGet(10 * SECOND);
        ProducerLimit slower = new ProducerLimit(1, 1);
        assertTrue(limits.take("col-1", Map.of("p", 1), slower, now.get()).isEmpty());
        assertEquals(SECOND, limits.take("col-1", Map.of("p", 1), slower, now.get()).orElseThrow().waitNanos(),
                "the four saved under the old burst were cut to the new burst of one");
    }

    @Test
    void whatARequestThatWasNotKeptTookIsGivenBackUpToTheBurst() {
        assertTrue(take("p", 3).isEmpty());
        limits.giveBack("col-1", Map.of("p", 3), TWO_A_SECOND_FOUR_AT_ONCE, now.get()); // the database was away: the resend must not pay twice
        assertTrue(take("p", 4).isEmpty());
        limits.giveBack("col-1", Map.of("p", 10), TWO_A_SECOND_FOUR_AT_ONCE, now.get());
        assertTrue(take("p", 4).isEmpty(), "given back up to the burst");
        assertTrue(take("p", 1).isPresent(), "and not beyond it");
    }

    @Test
    void refilledBucketsAreForgottenWhileActiveOnesAreKept() {
        take("a", 1);
        take("b", 1);
        take("c", 4);
        assertEquals(3, limits.size());
        now.addAndGet(SECOND); // a and b have refilled; c has two of four
        take("d", 1);
        assertEquals(2, limits.size(), "a and b dropped, c and d kept");
        assertTrue(take("c", 3).isPresent(), "c's debt was not forgotten");
    }

    @Test
    void aSweepWhileABatchIsTakenNeverLosesABucketOfThatBatch() {
        assertTrue(take("a", 1).isEmpty());
        assertTrue(take("b", 1).isEmpty());
        assertTrue(take("c", 1).isEmpty()); // three buckets: the next new one sweeps (sweepAtLeast 3)
        now.addAndGet(SECOND); // a, b and c have refilled: the sweep drops them
        assertTrue(limits.take("col-1", new java.util.LinkedHashMap<>(Map.of("a", 1, "d", 1)), TWO_A_SECOND_FOUR_AT_ONCE, now.get()).isEmpty(),
                "a, checked first, and d, whose new bucket sweeps: both taken");
        assertEquals(2, limits.size(), "a and d hold what they took; b and c were dropped");
    }
}
