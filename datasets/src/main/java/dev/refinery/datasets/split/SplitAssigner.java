package dev.refinery.datasets.split;

import dev.refinery.datasets.format.ByteBuilder;

import java.io.IOException;

/**
 * Puts kept records into their splits, in file order, so that whether a file is accepted never depends on
 * a hash: a file too small to hold records out (fewer than {@link SplitPolicy#minRecordsForHeldOut()} kept
 * records), or one whose records all hash out of train, puts every record in train instead, and says so.
 *
 * <p>To know that, the first records are held back until both are settled: enough records have been seen
 * and one of them belongs to train. Then the held records go out in file order with their hashed splits,
 * and every later record goes out at once. Held records are copied (their blocks are recycled), up to
 * {@link #MAX_HELD_BYTES}; a file that fills that much without settling is large, so the hash decides from
 * there, and only such a file (over 32 MiB of records, none of them hashing to train) can still end with
 * an empty train split. Single-threaded: the merger calls it in file order.
 */
public final class SplitAssigner {

    /** What a record's split goes to: its bytes and what it counts for. */
    @FunctionalInterface
    public interface Sink {
        void record(Split split, long tokens, byte[] bytes, int offset, int length) throws IOException;
    }

    static final int MAX_HELD_BYTES = 32 << 20;

    private final SplitPolicy policy;
    private final Sink sink;
    private final int minRecords;
    private boolean settled;
    private long kept;
    private long train;

    // Held records: their bytes one after another, and per record its end offset, split and tokens.
    private ByteBuilder held = new ByteBuilder();
    private int[] heldEnd = new int[16];
    private Split[] heldSplit = new Split[16];
    private long[] heldTokens = new long[16];
    private int heldCount;

    public SplitAssigner(SplitPolicy policy, Sink sink) {
        this.policy = policy;
        this.sink = sink;
        this.minRecords = policy.minRecordsForHeldOut();
        this.settled = !policy.holdsOut();
    }

    public void add(long promptFingerprint, long tokens, byte[] bytes, int offset, int length) throws IOException {
        Split split = policy.assign(promptFingerprint);
        kept++;
        if (split == Split.TRAIN) {
            train++;
        }
        if (settled) {
            sink.record(split, tokens, bytes, offset, length);
            return;
        }
        hold(split, tokens, bytes, offset, length);
        if ((kept >= minRecords && train > 0) || held.length() > MAX_HELD_BYTES) {
            release(false);
        }
    }

    /**
     * Ends the file: held records go to train when the file was too small or none hashed to train.
     * Returns whether that happened (the held-out splits were skipped).
     */
    public boolean finish() throws IOException {
        if (settled) {
            return false;
        }
        boolean skipped = heldCount > 0;
        release(skipped);
        return skipped;
    }

    public long kept() {
        return kept;
    }

    /** The fewest kept records for which held-out splits are made. */
    public int minRecords() {
        return minRecords;
    }

    private void hold(Split split, long tokens, byte[] bytes, int offset, int length) {
        if (heldCount == heldEnd.length) {
            heldEnd = java.util.Arrays.copyOf(heldEnd, heldCount * 2);
            heldSplit = java.util.Arrays.copyOf(heldSplit, heldCount * 2);
            heldTokens = java.util.Arrays.copyOf(heldTokens, heldCount * 2);
        }
        held.append(bytes, offset, offset + length);
        heldEnd[heldCount] = held.length();
        heldSplit[heldCount] = split;
        heldTokens[heldCount] = tokens;
        heldCount++;
    }

    private void release(boolean allToTrain) throws IOException {
        int start = 0;
        for (int i = 0; i < heldCount; i++) {
            sink.record(allToTrain ? Split.TRAIN : heldSplit[i], heldTokens[i], held.array(), start, heldEnd[i] - start);
            start = heldEnd[i];
        }
        heldCount = 0;
        held = null; // settled for good: up to MAX_HELD_BYTES go back to the heap
        settled = true;
    }
}
