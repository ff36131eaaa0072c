package dev.refinery.datasets.tokens.bpe;

import java.util.Arrays;

/**
 * How byte-pair encoding builds each token: the two tokens its last merge joins, and whether the token can
 * come out of BPE at all (some tokens of a vocabulary never do: encoding their own bytes gives other
 * tokens). This is what lets {@link LinearBpe} decide, without re-running BPE, whether two tokens can stand
 * next to each other in an encoding. Built once per vocabulary (a few hundred milliseconds for o200k),
 * when the first long piece needs it.
 */
final class MergeTree {

    private final RankTable ranks;
    /** The left and right token of each token's last merge; -1 for single bytes and unreachable tokens. */
    private final int[] left;
    private final int[] right;
    private final boolean[] reachable;

    MergeTree(RankTable ranks) {
        this.ranks = ranks;
        int n = ranks.size();
        left = new int[n];
        right = new int[n];
        reachable = new boolean[n];
        Arrays.fill(left, -1);
        Arrays.fill(right, -1);
        PairMerge merge = new PairMerge(ranks);
        byte[] pool = ranks.bytes();
        for (int r = 0; r < n; r++) {
            int length = ranks.length(r);
            if (length == 1) {
                reachable[r] = true;
                continue;
            }
            int from = ranks.offset(r);
            if (merge.merge(pool, from, from + length) == 1 && merge.token(0) == r) {
                reachable[r] = true;
                left[r] = merge.lastLeft();
                right[r] = merge.lastRight();
            }
        }
    }

    boolean reachable(int token) {
        return reachable[token];
    }

    /**
     * Whether BPE encodes the bytes of {@code a} followed by those of {@code b} as exactly {@code [a, b]}
     * (both reachable). It does unless, at some point while BPE builds {@code a} and {@code b}, the two
     * pieces facing each other across the boundary join into a token that BPE would merge before either
     * of them is absorbed into its own side. So walk the two sides' merges backwards in the order BPE
     * made them: the token made later (higher rank; single bytes exist from the start) is taken apart into
     * its two halves, and the half at the boundary faces the other side until it, too, is taken apart. A
     * pair across the boundary merges first when its rank is below the rank that absorbs the left piece
     * (on a tie that merge is further left and wins) and not above the one that absorbs the right piece
     * (on a tie the crossing pair is further left and wins).
     */
    boolean compatible(int a, int b) {
        int x = a;
        int y = b;
        int absorbsX = Integer.MAX_VALUE; // nothing absorbs a or b themselves
        int absorbsY = Integer.MAX_VALUE;
        while (true) {
            int joined = ranks.joinedRank(x, y);
            if (joined >= 0 && joined < absorbsX && joined <= absorbsY) {
                return false;
            }
            boolean xSplits = left[x] >= 0;
            boolean ySplits = left[y] >= 0;
            if (!xSplits && !ySplits) {
                return true;
            }
            if (xSplits && (!ySplits || x > y)) {
                absorbsX = x;
                x = right[x];
            } else {
                absorbsY = y;
                y = left[y];
            }
        }
    }

}
