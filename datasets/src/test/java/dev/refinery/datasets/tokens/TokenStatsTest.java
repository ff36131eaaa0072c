package dev.refinery.datasets.tokens;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenStatsTest {

    @Test
    void percentilesOfOneToAHundredAreExact() {
        TokenStats stats = new TokenStats(TokenStats.NO_CONTEXT_LIMIT, 10);
        for (int t = 100; t >= 1; t--) {
            stats.add(t, new RecordTokens(t, 0));
        }
        assertEquals(50, stats.p50());
        assertEquals(95, stats.p95());
        assertEquals(1, stats.min());
        assertEquals(100, stats.max());
        assertEquals(5050, stats.totalTokens());
        assertEquals(100, stats.percentile(1.0));
        assertEquals(1, stats.percentile(0.001));
    }

    @Test
    void largeCountsAreBucketAccurateNeverBelowTheTruth() {
        TokenStats stats = new TokenStats(TokenStats.NO_CONTEXT_LIMIT, 0);
        int[] values = new Random(7).ints(5000, 1, 2_000_000).toArray();
        for (int i = 0; i < values.length; i++) {
            stats.add(i + 1, new RecordTokens(values[i], 0));
        }
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double p : new double[] {0.5, 0.9, 0.95, 0.99}) {
            int exact = sorted[(int) Math.ceil(p * sorted.length) - 1];
            int reported = stats.percentile(p);
            assertTrue(reported >= exact && reported <= exact * (1 + 1.0 / TokenHistogram.SUB_BUCKETS),
                    "p" + p + ": " + reported + " vs exact " + exact);
        }
        assertEquals(sorted[sorted.length - 1], stats.max());
    }

    @Test
    void histogramBucketsArePowersOfTwoFromMinToMax() {
        TokenStats stats = new TokenStats(TokenStats.NO_CONTEXT_LIMIT, 0);
        int line = 0;
        for (int t : new int[] {3, 5, 6, 7, 40, 1000, 1024, 5000}) {
            stats.add(++line, new RecordTokens(t, 0));
        }
        List<TokenStats.Bucket> buckets = stats.histogram();
        assertEquals(new TokenStats.Bucket(2, 3, 1), buckets.get(0));
        assertEquals(new TokenStats.Bucket(4, 7, 3), buckets.get(1));
        assertEquals(new TokenStats.Bucket(8, 15, 0), buckets.get(2));
        assertEquals(new TokenStats.Bucket(32, 63, 1), buckets.get(4));
        assertEquals(new TokenStats.Bucket(512, 1023, 1), buckets.get(8));
        assertEquals(new TokenStats.Bucket(1024, 2047, 1), buckets.get(9));
        assertEquals(new TokenStats.Bucket(4096, 8191, 1), buckets.get(buckets.size() - 1));
        assertEquals(stats.records(), buckets.stream().mapToLong(TokenStats.Bucket::records).sum());
    }

    @Test
    void histogramBucketBoundsTileEveryInt() {
        for (int v : new int[] {0, 1, 1023, 1024, 1025, 2047, 2048, 123_456_789, Integer.MAX_VALUE}) {
            int b = TokenHistogram.index(v);
            assertTrue(TokenHistogram.lowerBound(b) <= v && v <= TokenHistogram.upperBound(b), "value " + v + " bucket " + b);
        }
        for (int b = 1; b < new TokenHistogram().bucketCount(); b++) {
            assertEquals(TokenHistogram.upperBound(b - 1) + 1, TokenHistogram.lowerBound(b), "bucket " + b);
        }
    }

    @Test
    void overContextRecordsAreCountedWithTheFirstByLineSampled() {
        TokenStats stats = new TokenStats(100, 2);
        stats.add(9, new RecordTokens(150, 40));
        stats.add(3, new RecordTokens(100, 10)); // exactly at the context: not over
        stats.add(7, new RecordTokens(101, 5));
        stats.add(2, new RecordTokens(300, 200));
        assertEquals(3, stats.overContextRecords());
        assertEquals(50 + 1 + 200, stats.overContextExcessTokens());
        assertEquals(List.of(new TokenStats.OverContext(2, 300, 200), new TokenStats.OverContext(7, 101, 1)), stats.overContextSample());
    }

    @Test
    void eachPolicySaysWhatTrainsAndWhatItCosts() {
        TokenStats stats = new TokenStats(100, 5);
        stats.add(1, new RecordTokens(50, 20));
        stats.add(2, new RecordTokens(150, 120));
        stats.add(3, new RecordTokens(250, 30));

        TokenStats.Outcome drop = stats.outcome(OverContextPolicy.DROP);
        assertEquals(new TokenStats.Outcome(OverContextPolicy.DROP, 1, 50, 20, false), drop);
        TokenStats.Outcome truncate = stats.outcome(OverContextPolicy.TRUNCATE);
        // each truncated record is billed at the context; trained capped at the context
        assertEquals(new TokenStats.Outcome(OverContextPolicy.TRUNCATE, 3, 50 + 100 + 100, 20 + 100 + 30, false), truncate);
        TokenStats.Outcome fail = stats.outcome(OverContextPolicy.FAIL);
        assertEquals(new TokenStats.Outcome(OverContextPolicy.FAIL, 3, 450, 170, true), fail);

        TokenStats fits = new TokenStats(1000, 5);
        fits.add(1, new RecordTokens(50, 20));
        assertFalse(fits.outcome(OverContextPolicy.FAIL).fails());
    }

    @Test
    void mergingTwoAccumulatorsEqualsOneFedEverything() {
        Random random = new Random(42);
        TokenStats one = new TokenStats(2048, 3);
        TokenStats left = new TokenStats(2048, 3);
        TokenStats right = new TokenStats(2048, 3);
        for (int line = 1; line <= 4000; line++) {
            int total = 1 + (int) Math.abs(random.nextGaussian() * 900);
            RecordTokens tokens = new RecordTokens(total, total / 3);
            one.add(line, tokens);
            (random.nextBoolean() ? left : right).add(line, tokens);
        }
        left.merge(right);
        assertEquals(one.records(), left.records());
        assertEquals(one.totalTokens(), left.totalTokens());
        assertEquals(one.trainedTokens(), left.trainedTokens());
        assertEquals(one.min(), left.min());
        assertEquals(one.max(), left.max());
        assertEquals(one.p50(), left.p50());
        assertEquals(one.p95(), left.p95());
        assertEquals(one.histogram(), left.histogram());
        assertEquals(one.overContextRecords(), left.overContextRecords());
        assertTrue(one.overContextRecords() > 3);
        assertEquals(one.overContextExcessTokens(), left.overContextExcessTokens());
        assertEquals(one.overContextSample(), left.overContextSample());
        for (OverContextPolicy policy : OverContextPolicy.values()) {
            assertEquals(one.outcome(policy), left.outcome(policy));
        }
    }

    @Test
    void refusesToMergeDifferentContexts() {
        assertThrows(IllegalArgumentException.class, () -> new TokenStats(100, 1).merge(new TokenStats(200, 1)));
    }

    @Test
    void emptyStatisticsAreZeros() {
        TokenStats stats = new TokenStats(100, 1);
        assertEquals(0, stats.min());
        assertEquals(0, stats.max());
        assertEquals(0, stats.p95());
        assertTrue(stats.histogram().isEmpty());
    }
}
