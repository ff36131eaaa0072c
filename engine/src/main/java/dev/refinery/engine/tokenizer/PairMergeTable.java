package dev.refinery.engine.tokenizer;

import java.util.Arrays;

/**
 * The merges a BPE vocabulary allows: (left id, right id) to (priority, merged id), lower priority
 * first. An open-addressing table of primitive longs, because the encoder looks a pair up for every
 * adjacent pair of every word and boxed {@code HashMap<Long, ...>} entries would dominate the cost.
 */
final class PairMergeTable {

    /** Returned by {@link #find} when the pair does not merge. */
    static final long NONE = -1L;

    private static final long EMPTY = -1L;

    private long[] keys;
    private long[] values;
    private int size;

    PairMergeTable(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedSize * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, EMPTY);
    }

    /** Adds a merge unless the pair is already present (the first, highest-priority entry wins). */
    void putIfAbsent(int left, int right, int priority, int mergedId) {
        if (left < 0 || right < 0 || priority < 0 || mergedId < 0) {
            throw new IllegalArgumentException("negative id or priority in merge " + left + "+" + right);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(pairKey(left, right), ((long) priority << 32) | mergedId);
    }

    /** {@code priority << 32 | mergedId} of the pair, or {@link #NONE}. */
    long find(int left, int right) {
        long key = pairKey(left, right);
        int mask = keys.length - 1;
        for (int slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                return NONE;
            }
        }
    }

    int size() {
        return size;
    }

    static int priorityOf(long entry) {
        return (int) (entry >>> 32);
    }

    static int mergedIdOf(long entry) {
        return (int) entry;
    }

    private void insert(long key, long value) {
        int mask = keys.length - 1;
        for (int slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return;
            }
            if (keys[slot] == EMPTY) {
                keys[slot] = key;
                values[slot] = value;
                size++;
                return;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int slotOf(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
