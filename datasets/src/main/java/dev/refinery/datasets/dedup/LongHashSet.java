package dev.refinery.datasets.dedup;

import java.util.Arrays;

/**
 * A set of 64-bit fingerprints with a value per entry (a line number), in two flat arrays: 16 bytes a
 * record, no boxing, so a million records cost 16-32 MB rather than a hundred. Zero is reserved as the
 * empty slot; a fingerprint that happens to be zero is stored as one (a collision of 1 in 2^64).
 */
public final class LongHashSet {

    private long[] keys;
    private long[] values;
    private int size;

    public LongHashSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
    }

    /** Adds the key if absent and returns -1; if present, returns the value stored with it first. */
    public long putIfAbsent(long key, long value) {
        if (key == 0) {
            key = 1;
        }
        if (size * 2 >= keys.length) {
            grow();
        }
        int i = slot(key);
        if (keys[i] == key) {
            return values[i];
        }
        keys[i] = key;
        values[i] = value;
        size++;
        return -1;
    }

    /** The value stored with the key, or -1. */
    public long get(long key) {
        if (key == 0) {
            key = 1;
        }
        int i = slot(key);
        return keys[i] == key ? values[i] : -1;
    }

    /** The slot holding {@code key}, or the empty slot where it belongs (linear probing). */
    private int slot(long key) {
        int mask = keys.length - 1;
        int i = (int) (key ^ (key >>> 32)) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    public int size() {
        return size;
    }

    /** The keys, sorted (for the fingerprint file a later version compares against). */
    public long[] sortedKeys() {
        long[] out = new long[size];
        int n = 0;
        for (long k : keys) {
            if (k != 0) {
                out[n++] = k;
            }
        }
        Arrays.sort(out);
        return out;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                putIfAbsent(oldKeys[i], oldValues[i]);
            }
        }
    }
}
