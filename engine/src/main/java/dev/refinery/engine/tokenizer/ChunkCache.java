package dev.refinery.engine.tokenizer;

import java.util.Arrays;

/**
 * The ids of text chunks (a word with its leading space, typically) already encoded on this thread, keyed
 * by their chars. Text repeats its words, so most chunks are found here instead of being merged again.
 * Bounded (8,192 chunks of up to 64 chars): when full it starts over. It also lends its thread a char
 * buffer for the text being encoded ({@link #chars}). One per thread and tokenizer.
 */
final class ChunkCache {

    private char[] text = new char[1024];

    /** A buffer of at least {@code n} chars for this thread's text. */
    char[] chars(int n) {
        if (text.length < n) {
            text = new char[Math.max(n, text.length * 2)];
        }
        return text;
    }


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

    /** Two chars a step: chunks are short, and one multiply per pair halves the dependent chain of a char-by-char hash. */
    static int hash(char[] s, int from, int to) {
        int h = 0x811c9dc5;
        int i = from;
        for (; i + 1 < to; i += 2) {
            h = (h ^ (s[i] | s[i + 1] << 16)) * 0x01000193;
        }
        if (i < to) {
            h = (h ^ s[i]) * 0x01000193;
        }
        h ^= h >>> 15;
        return h * 0x2c1b3c6d ^ (h >>> 12);
    }

    /** The cached ids of {@code s[from, to)} (its {@link #hash} is {@code hash}), or null. */
    int[] get(char[] s, int from, int to, int hash) {
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

    void put(char[] s, int from, int to, int hash, int[] chunkIds) {
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
        System.arraycopy(s, from, keys, used, length);
        hashes[slot] = hash;
        keyStart[slot] = used;
        keyLength[slot] = length;
        ids[slot] = chunkIds;
        used += length;
        entries++;
    }

    private boolean sameChars(char[] s, int from, int start, int length) {
        return Arrays.equals(keys, start, start + length, s, from, from + length);
    }
}
