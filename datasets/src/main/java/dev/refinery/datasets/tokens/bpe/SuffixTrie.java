package dev.refinery.datasets.tokens.bpe;

import java.util.Arrays;

/**
 * The reachable tokens, read backwards: walking it from a position towards the start of a piece meets every
 * token that ends at that position, shortest first. A trie of the tokens' reversed bytes, its edges in one
 * open-addressing table keyed by (node, byte): o200k's 200,000 tokens make about 490,000 nodes, 8 MiB.
 */
final class SuffixTrie {

    private static final long EMPTY = -1L;

    /** Edge entries: (node << 8 | byte) << 24 | child, packed; EMPTY for free slots. */
    private final long[] edges;
    private final int mask;
    /** The token that ends at each node (its whole reversed bytes), or -1. */
    private int[] tokenAt;
    private int nodes = 1;

    SuffixTrie(RankTable ranks, MergeTree tree) {
        int totalBytes = ranks.bytes().length;
        int capacity = Integer.highestOneBit(Math.max(16, totalBytes)) << 1; // nodes <= total bytes: at most half full
        edges = new long[capacity];
        Arrays.fill(edges, EMPTY);
        mask = capacity - 1;
        tokenAt = new int[1024];
        Arrays.fill(tokenAt, -1);
        byte[] pool = ranks.bytes();
        for (int r = 0; r < ranks.size(); r++) {
            if (!tree.reachable(r)) {
                continue;
            }
            int node = 0;
            for (int i = ranks.offset(r) + ranks.length(r) - 1; i >= ranks.offset(r); i--) {
                node = childOrAdd(node, pool[i] & 0xFF);
            }
            tokenAt[node] = r;
        }
        tokenAt = Arrays.copyOf(tokenAt, nodes);
    }

    /** The child of {@code node} on {@code b}, or -1. */
    int child(int node, int b) {
        long key = ((long) node << 8) | b;
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long e = edges[slot];
            if (e == EMPTY) {
                return -1;
            }
            if (e >>> 24 == key) {
                return (int) (e & 0xFFFFFF);
            }
        }
    }

    /** The token whose reversed bytes end at {@code node}, or -1. */
    int token(int node) {
        return tokenAt[node];
    }

    private int childOrAdd(int node, int b) {
        long key = ((long) node << 8) | b;
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long e = edges[slot];
            if (e == EMPTY) {
                int child = nodes++;
                if (child >= tokenAt.length) {
                    int old = tokenAt.length;
                    tokenAt = Arrays.copyOf(tokenAt, old * 2);
                    Arrays.fill(tokenAt, old, tokenAt.length, -1);
                }
                edges[slot] = (key << 24) | child;
                return child;
            }
            if (e >>> 24 == key) {
                return (int) (e & 0xFFFFFF);
            }
        }
    }

    private int slot(long key) {
        return (int) RankTable.mix(key * 0x9E3779B97F4A7C15L) & mask;
    }
}
