package dev.refinery.engine.tokenizer;

import java.util.Arrays;

/**
 * Applies BPE merges to a sequence of symbol ids: repeatedly merges the adjacent pair with the lowest
 * priority value, the leftmost one among equals, until no adjacent pair merges.
 *
 * <p>That rule is what both llama2.c's {@code encode()} (highest score, first found scanning left to
 * right) and Hugging Face's BPE (lowest merge rank, leftmost) compute; they rescan the whole sequence
 * after each merge, which is O(n^2). Here the symbols form a doubly linked list over arrays and the
 * candidate merges sit in a binary min-heap keyed by (priority, position of the left symbol), so a
 * sequence of n symbols costs O(n log n). Heap entries go stale when a neighbour merges first; they are
 * recognised on removal (the pair at that position no longer has that priority) and skipped, which is
 * cheaper than deleting them from the heap.
 */
final class BpeMerger {

    private static final int DEAD = -1;

    private BpeMerger() {
    }

    static int[] merge(int[] symbols, PairMergeTable merges) {
        int n = symbols.length;
        if (n < 2 || merges.size() == 0) {
            return symbols;
        }
        int[] ids = symbols.clone();
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongMinHeap candidates = new LongMinHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(candidates, merges, ids, i, i + 1);
        }
        int remaining = n;
        while (!candidates.isEmpty()) {
            long top = candidates.poll();
            int pos = (int) top;
            int priority = (int) (top >>> 32);
            int right = next[pos];
            if (ids[pos] == DEAD || right < 0) {
                continue;
            }
            long entry = merges.find(ids[pos], ids[right]);
            if (entry == PairMergeTable.NONE || PairMergeTable.priorityOf(entry) != priority) {
                continue; // stale: a neighbour merged since this candidate was queued
            }
            ids[pos] = PairMergeTable.mergedIdOf(entry);
            ids[right] = DEAD;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
            }
            remaining--;
            if (prev[pos] >= 0) {
                offer(candidates, merges, ids, prev[pos], pos);
            }
            if (next[pos] >= 0) {
                offer(candidates, merges, ids, pos, next[pos]);
            }
        }
        int[] out = new int[remaining];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[k++] = ids[i];
        }
        return out;
    }

    private static void offer(LongMinHeap heap, PairMergeTable merges, int[] ids, int left, int right) {
        long entry = merges.find(ids[left], ids[right]);
        if (entry != PairMergeTable.NONE) {
            heap.add(((long) PairMergeTable.priorityOf(entry) << 32) | left);
        }
    }

    /** A growable binary min-heap of non-negative longs, without boxing. */
    private static final class LongMinHeap {
        private long[] items;
        private int size;

        LongMinHeap(int capacity) {
            items = new long[Math.max(8, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(long value) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (items[parent] <= value) {
                    break;
                }
                items[i] = items[parent];
                i = parent;
            }
            items[i] = value;
        }

        long poll() {
            long result = items[0];
            long last = items[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && items[child + 1] < items[child]) {
                    child++;
                }
                if (last <= items[child]) {
                    break;
                }
                items[i] = items[child];
                i = child;
            }
            if (size > 0) {
                items[i] = last;
            }
            return result;
        }
    }
}
