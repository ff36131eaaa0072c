package dev.refinery.datasets.tokens.bpe;

/**
 * Byte-pair encoding as tiktoken defines it, step by step: start from single bytes and merge, again and
 * again, the adjacent pair whose joined bytes are the lowest-ranked token, the leftmost of equal ranks,
 * until no adjacent pair is a token. Quadratic in the piece's length, which is what pieces of a few bytes
 * want; {@link LinearBpe} takes the long ones. This is also the reference the faster paths are tested
 * against. One per thread (it keeps its work arrays).
 */
final class PairMerge {

    static final int NONE = Integer.MAX_VALUE;

    private final RankTable ranks;
    /** Boundaries of the current parts: part k is {@code bytes[parts[k], parts[k + 1])}. */
    private int[] parts = new int[64];
    /** pairRank[k]: rank of parts k and k + 1 joined, or NONE. */
    private int[] pairRank = new int[64];
    private int count;
    private byte[] source;
    private int lastLeft = -1;
    private int lastRight = -1;

    PairMerge(RankTable ranks) {
        this.ranks = ranks;
    }

    /** Merges {@code b[from, to)}; returns the number of tokens. {@link #token} then gives each one. */
    int merge(byte[] b, int from, int to) {
        int n = to - from;
        if (parts.length < n + 1) {
            parts = new int[Integer.highestOneBit(n + 1) << 1];
            pairRank = new int[parts.length];
        }
        for (int i = 0; i <= n; i++) {
            parts[i] = from + i;
        }
        count = n + 1; // boundaries
        for (int k = 0; k + 1 < n; k++) {
            pairRank[k] = rankOrNone(b, parts[k], parts[k + 2]);
        }
        lastLeft = -1;
        lastRight = -1;
        while (count > 2) {
            int best = NONE;
            int at = -1;
            for (int k = 0; k + 2 < count; k++) {
                if (pairRank[k] < best) {
                    best = pairRank[k];
                    at = k;
                }
            }
            if (at < 0) {
                break;
            }
            if (count == 3) {
                lastLeft = rankOrNone(b, parts[0], parts[1]);
                lastRight = rankOrNone(b, parts[1], parts[2]);
            }
            // Remove boundary at + 1: parts at and at + 1 become one.
            System.arraycopy(parts, at + 2, parts, at + 1, count - at - 2);
            System.arraycopy(pairRank, at + 1, pairRank, at, count - at - 3 < 0 ? 0 : count - at - 3);
            count--;
            if (at + 2 < count) {
                pairRank[at] = rankOrNone(b, parts[at], parts[at + 2]);
            }
            if (at > 0) {
                pairRank[at - 1] = rankOrNone(b, parts[at - 1], parts[at + 1]);
            }
        }
        this.source = b;
        return count - 1;
    }

    /** The rank of the i-th token of the last {@link #merge}. */
    int token(int i) {
        return ranks.rank(source, parts[i], parts[i + 1] - parts[i]);
    }

    /** When the last merge ended in one token: the two tokens its final step joined (-1 when it was one byte). */
    int lastLeft() {
        return lastLeft;
    }

    int lastRight() {
        return lastRight;
    }

    private int rankOrNone(byte[] b, int from, int to) {
        int r = ranks.rank(b, from, to - from);
        return r < 0 ? NONE : r;
    }
}
