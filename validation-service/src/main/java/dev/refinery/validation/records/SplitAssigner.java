package dev.refinery.validation.records;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Puts each valid record into train, validation or test by a hash of its content, so the split depends on
 * nothing but the record itself: the same record lands in the same split in every run, and adding
 * records to a dataset never moves an existing one (no leakage between a model's training and test data
 * across dataset versions). Identical records always share a split.
 *
 * <p>Bucket = the first 4 bytes of sha256(line bytes without leading and trailing ASCII whitespace), read
 * as an unsigned big-endian integer, modulo 100. Buckets below {@code trainPercent} go to train, the next
 * {@code validationPercent} to validation, the rest to test.
 *
 * <p>Not thread-safe (it reuses one digest): one instance per pass.
 */
public final class SplitAssigner {

    public static final int BUCKETS = 100;

    private final int trainPercent;
    private final int validationPercent;
    private final MessageDigest sha256;

    public SplitAssigner(int trainPercent, int validationPercent) {
        if (trainPercent < 1 || validationPercent < 0 || trainPercent + validationPercent > BUCKETS) {
            throw new IllegalArgumentException("split percentages must satisfy 1 <= train, 0 <= validation, train + validation <= 100; got train="
                    + trainPercent + ", validation=" + validationPercent);
        }
        this.trainPercent = trainPercent;
        this.validationPercent = validationPercent;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    public Split assign(byte[] line, int offset, int length) {
        int bucket = bucket(line, offset, length);
        if (bucket < trainPercent) {
            return Split.TRAIN;
        }
        return bucket < trainPercent + validationPercent ? Split.VALIDATION : Split.TEST;
    }

    public Split assign(byte[] line) {
        return assign(line, 0, line.length);
    }

    /** The record's bucket in [0, 100). */
    public int bucket(byte[] line, int offset, int length) {
        int start = offset;
        int end = offset + length;
        while (start < end && isAsciiWhitespace(line[start])) {
            start++;
        }
        while (end > start && isAsciiWhitespace(line[end - 1])) {
            end--;
        }
        sha256.reset();
        sha256.update(line, start, end - start);
        byte[] digest = sha256.digest();
        long first4 = ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8) | (digest[3] & 0xFFL);
        return (int) (first4 % BUCKETS);
    }

    private static boolean isAsciiWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == 0x0B;
    }
}
