package dev.refinery.datasets.tokens.bpe;

/**
 * Token counts of the last pieces of up to 8 bytes seen on this thread, direct-mapped: one slot per hash,
 * a key that is the piece's bytes ({@link RankTable#pack}) and its length. 4,096 slots, 48 KiB: it stays
 * in the core's own cache, where the rank table (3 MiB for o200k) cannot, and most pieces of text are
 * short words it has just seen. A miss costs one compare; the caller then asks the rank table and stores
 * the answer over whatever held the slot. One per thread.
 */
final class ShortPieceCache {

    static final int MAX_BYTES = 8;
    private static final int SLOTS = 1 << 12;

    private final long[] keys = new long[SLOTS];
    /** length << 16 | count; 0 for an empty slot (a cached piece has at least one byte). */
    private final int[] entries = new int[SLOTS];

    /** The count cached for a piece of {@code length} bytes packed as {@code key}, or 0. */
    int get(long key, int length, long hash) {
        int slot = (int) hash & (SLOTS - 1);
        int entry = entries[slot];
        return keys[slot] == key && entry >>> 16 == length ? entry & 0xFFFF : 0;
    }

    void put(long key, int length, long hash, int count) {
        int slot = (int) hash & (SLOTS - 1);
        keys[slot] = key;
        entries[slot] = length << 16 | Math.min(count, 0xFFFF);
    }
}
