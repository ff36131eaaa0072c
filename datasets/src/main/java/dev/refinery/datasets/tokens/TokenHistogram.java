package dev.refinery.datasets.tokens;

/**
 * Counts of token lengths in a fixed number of buckets, whatever the number of records: every value
 * below {@value #EXACT_LIMIT} has its own bucket, and each power of two above is split into
 * {@value #SUB_BUCKETS} equal buckets, so a bucket is never wider than 1/{@value #SUB_BUCKETS} (0.2%) of
 * its values. 11,776 longs (92 KiB) cover every int.
 */
final class TokenHistogram {

    private static final int SUB_BITS = 9;
    static final int SUB_BUCKETS = 1 << SUB_BITS;
    static final int EXACT_LIMIT = 2 * SUB_BUCKETS;
    private static final int FIRST_SPLIT_EXPONENT = SUB_BITS + 1;
    private static final int BUCKETS = EXACT_LIMIT + (Integer.SIZE - 1 - FIRST_SPLIT_EXPONENT) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];

    void add(int value) {
        counts[index(value)]++;
    }

    void addAll(TokenHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
    }

    int bucketCount() {
        return BUCKETS;
    }

    long count(int bucket) {
        return counts[bucket];
    }

    static int index(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("token counts are never negative: " + value);
        }
        if (value < EXACT_LIMIT) {
            return value;
        }
        int exponent = Integer.SIZE - 1 - Integer.numberOfLeadingZeros(value);
        int sub = (value >>> (exponent - SUB_BITS)) - SUB_BUCKETS;
        return EXACT_LIMIT + (exponent - FIRST_SPLIT_EXPONENT) * SUB_BUCKETS + sub;
    }

    static int lowerBound(int bucket) {
        if (bucket < EXACT_LIMIT) {
            return bucket;
        }
        int exponent = FIRST_SPLIT_EXPONENT + (bucket - EXACT_LIMIT) / SUB_BUCKETS;
        int sub = SUB_BUCKETS + (bucket - EXACT_LIMIT) % SUB_BUCKETS;
        return sub << (exponent - SUB_BITS);
    }

    static int upperBound(int bucket) {
        if (bucket < EXACT_LIMIT) {
            return bucket;
        }
        int exponent = FIRST_SPLIT_EXPONENT + (bucket - EXACT_LIMIT) / SUB_BUCKETS;
        int sub = SUB_BUCKETS + (bucket - EXACT_LIMIT) % SUB_BUCKETS;
        return (int) ((((long) sub + 1) << (exponent - SUB_BITS)) - 1);
    }
}
