package dev.refinery.engine.tokenizer;

import java.util.Arrays;

/**
 * The ids of text chunks (a word with its leading space, typically) already encoded on this thread, keyed
 * by their chars. Text repeats its words, so most chunks are found here instead of being merged again.
 *
 * <p>A lookup is one probe into one array: each slot is four longs, 32 bytes, holding the hash, the
 * lengths, where the ids are, and the chunk's first twelve chars; only longer chunks compare the rest in
 * the key pool. Most lookups then touch one cache line, which matters more here than any arithmetic (a
 * compare in a separate pool missed the cache on most probes). Bounded (4,096 chunks of up to 64 chars):
 * when full it starts over. It also lends its thread the buffers of the encoding under way ({@link #chars},
 * {@link #ids(int)}). One per thread and tokenizer.
 */
final class ChunkCache {

    static final int MAX_CHUNK_CHARS = 64;
    private static final int SLOTS = 1 << 13;
    private static final int MAX_ENTRIES = SLOTS / 2;
    private static final int INLINE_CHARS = 12;

    /** Per slot: [hash << 32 | chars << 16 | ids count, ids start << 32 | key start, chars 0-3, chars 4-7, chars 8-11]: 5 longs. */
    private final long[] slots = new long[SLOTS * 5];
    private final int[] ids = new int[MAX_ENTRIES * 8]; // the cached chunks' ids, one after another
    private final char[] keys = new char[MAX_ENTRIES * 16];
    private int idsUsed;
    private int keysUsed;
    private int entries;
    private char[] text = new char[1024];

    private int[] idBuffer = new int[1024];

    /** A buffer of at least {@code n} ids for this thread's encoding (copied out before the next one). */
    int[] ids(int n) {
        if (idBuffer.length < n) {
            idBuffer = new int[Math.max(n, idBuffer.length * 2)];
        }
        return idBuffer;
    }

    /** A buffer of at least {@code n} chars for this thread's text. */
    char[] chars(int n) {
        if (text.length < n) {
            text = new char[Math.max(n, text.length * 2)];
        }
        return text;
    }

    /** Adds a char to a chunk's running hash (finish with {@link #finish}): one multiply-add, inside the scan that finds the chunk. */
    static int hashStep(int h, char c) {
        return h * 31 + c;
    }

    /** The hash a chunk is looked up with, from its running hash; never 0 (an empty slot's first long is 0). */
    static int finish(int h, int length) {
        h = (h + length) * 0x9E3779B1;
        return (h ^ (h >>> 16)) | 1;
    }

    /**
     * Appends the cached ids of {@code s[from, to)} to {@code out} at {@code size}; returns the new size, or -1
     * when the chunk is not cached. {@code hash} is its {@link #finish}ed hash and {@code c0..c2} its first
     * twelve chars, four to a long, high chars first ({@link #pack}), as the caller computed them while
     * scanning the chunk.
     */
    int appendIds(char[] s, int from, int to, int hash, long c0, long c1, long c2, int[] out, int size) {
        int length = to - from;
        for (int slot = hash & (SLOTS - 1); ; slot = (slot + 1) & (SLOTS - 1)) {
            int at = slot * 5;
            long head = slots[at];
            if (head == 0) {
                return -1;
            }
            if ((int) (head >>> 32) == hash && ((head >>> 16) & 0xFFFF) == length && slots[at + 2] == c0 && slots[at + 3] == c1
                    && slots[at + 4] == c2 && (length <= INLINE_CHARS || restMatches(s, from, to, (int) slots[at + 1]))) {
                int count = (int) (head & 0xFFFF);
                System.arraycopy(ids, (int) (slots[at + 1] >>> 32), out, size, count);
                return size + count;
            }
        }
    }

    void put(char[] s, int from, int to, int hash, long c0, long c1, long c2, int[] chunkIds) {
        int length = to - from;
        int rest = Math.max(0, length - INLINE_CHARS);
        if (entries == MAX_ENTRIES || idsUsed + chunkIds.length > ids.length || keysUsed + rest > keys.length) {
            Arrays.fill(slots, 0);
            entries = 0;
            idsUsed = 0;
            keysUsed = 0;
        }
        int slot = hash & (SLOTS - 1);
        while (slots[slot * 5] != 0) {
            slot = (slot + 1) & (SLOTS - 1);
        }
        int at = slot * 5;
        slots[at] = (long) hash << 32 | (long) length << 16 | chunkIds.length;
        slots[at + 1] = (long) idsUsed << 32 | keysUsed;
        slots[at + 2] = c0;
        slots[at + 3] = c1;
        slots[at + 4] = c2;
        System.arraycopy(chunkIds, 0, ids, idsUsed, chunkIds.length);
        if (rest > 0) { // a short chunk near the end of the buffer has no chars beyond the inline ones to copy
            System.arraycopy(s, from + INLINE_CHARS, keys, keysUsed, rest);
        }
        idsUsed += chunkIds.length;
        keysUsed += rest;
        entries++;
    }

    /** Adds the chunk's next char to the long holding its chars 4k..4k+3: shift in, high chars first (0 beyond the end). */
    static long pack(long packed, char c) {
        return packed << 16 | c;
    }

    private boolean restMatches(char[] s, int from, int to, int keyStart) {
        int rest = to - from - INLINE_CHARS;
        for (int i = 0; i < rest; i++) {
            if (keys[keyStart + i] != s[from + INLINE_CHARS + i]) {
                return false;
            }
        }
        return true;
    }
}
