package dev.refinery.datasets.tokens.bpe;

import java.util.Arrays;

/**
 * Token counts of pieces already encoded on this thread. Text repeats its words, so most pieces that are
 * not a single token have been seen before: a hash probe and a byte compare replace BPE. Bounded (16,384
 * pieces of up to 64 bytes, 1.3 MiB): when full it starts over, which keeps it filled with what the current
 * text uses. One per thread.
 */
final class PieceCache {

    static final int MAX_PIECE_BYTES = 64;
    private static final int CAPACITY = 1 << 15;
    private static final int MAX_ENTRIES = CAPACITY / 2;

    private final long[] hashes = new long[CAPACITY];
    private final int[] offsets = new int[CAPACITY];
    private final int[] lengths = new int[CAPACITY];
    /** The count, or 0 for an empty slot (cached pieces have at least two tokens). */
    private final int[] counts = new int[CAPACITY];
    private final byte[] pool = new byte[MAX_ENTRIES * 16];
    private int used;
    private int entries;

    /** The cached count of {@code b[0, length)} (its {@link RankTable#hash} is {@code hash}), or 0. */
    int get(byte[] b, int length, long hash) {
        for (int slot = (int) hash & (CAPACITY - 1); ; slot = (slot + 1) & (CAPACITY - 1)) {
            int count = counts[slot];
            if (count == 0) {
                return 0;
            }
            if (hashes[slot] == hash && lengths[slot] == length && Arrays.equals(pool, offsets[slot], offsets[slot] + length, b, 0, length)) {
                return count;
            }
        }
    }

    void put(byte[] b, int length, long hash, int count) {
        if (entries == MAX_ENTRIES || used + length > pool.length) {
            Arrays.fill(counts, 0);
            entries = 0;
            used = 0;
        }
        int slot = (int) hash & (CAPACITY - 1);
        while (counts[slot] != 0) {
            slot = (slot + 1) & (CAPACITY - 1);
        }
        System.arraycopy(b, 0, pool, used, length);
        hashes[slot] = hash;
        offsets[slot] = used;
        lengths[slot] = length;
        counts[slot] = count;
        used += length;
        entries++;
    }
}
