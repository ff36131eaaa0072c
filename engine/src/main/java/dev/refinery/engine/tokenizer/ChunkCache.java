package dev.refinery.engine.tokenizer;

import java.util.Arrays;

/**
 * The ids of text chunks (a word with its leading space, typically) already encoded on this thread, keyed
 * by their chars. Text repeats its words, so most chunks are found here instead of being merged again.
 * Bounded (8,192 chunks of up to 64 chars): when full it starts over. One per thread and tokenizer.
 */
final class ChunkCache {

    static final int MAX_CHUNK_CHARS = 64;
    private static final int CAPACITY = 1 << 14;
    private static final int MAX_ENTRIES = CAPACITY / 2;

    private final int[] hashes = new int[CAPACITY];
    private final int[] keyStart = new int[CAPACITY];
    private final int[] keyLength = new int[CAPACITY];
    /** The ids, or null for an empty slot. */
    private final int[][] ids = new int[CAPACITY][];
    private final char[] keys = new char[MAX_ENTRIES * 12];
    private int used;
    private int entries;

    static int hash(CharSequence s, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) {
            h = (h ^ s.charAt(i)) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    /** The cached ids of {@code s[from, to)} (its {@link #hash} is {@code hash}), or null. */
    int[] get(CharSequence s, int from, int to, int hash) {
        int length = to - from;
        for (int slot = hash & (CAPACITY - 1); ; slot = (slot + 1) & (CAPACITY - 1)) {
            int[] found = ids[slot];
            if (found == null) {
                return null;
            }
            if (hashes[slot] == hash && keyLength[slot] == length && sameChars(s, from, keyStart[slot], length)) {
                return found;
            }
        }
    }

    void put(CharSequence s, int from, int to, int hash, int[] chunkIds) {
        int length = to - from;
        if (entries == MAX_ENTRIES || used + length > keys.length) {
            Arrays.fill(ids, null);
            entries = 0;
            used = 0;
        }
        int slot = hash & (CAPACITY - 1);
        while (ids[slot] != null) {
            slot = (slot + 1) & (CAPACITY - 1);
        }
        for (int i = 0; i < length; i++) {
            keys[used + i] = s.charAt(from + i);
        }
        hashes[slot] = hash;
        keyStart[slot] = used;
        keyLength[slot] = length;
        ids[slot] = chunkIds;
        used += length;
        entries++;
    }

    private boolean sameChars(CharSequence s, int from, int start, int length) {
        for (int i = 0; i < length; i++) {
            if (keys[start + i] != s.charAt(from + i)) {
                return false;
            }
        }
        return true;
    }
}
