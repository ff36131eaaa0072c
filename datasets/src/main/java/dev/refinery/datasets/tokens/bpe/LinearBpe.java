package dev.refinery.datasets.tokens.bpe;

/**
 * Byte-pair encoding of a long piece in time linear in its length, with no backtracking: the idea of the
 * encoder GitHub published with its {@code bpe} crate (2024), written here from its description.
 *
 * <p>Two facts make it work. A sequence of tokens is the BPE encoding of its bytes exactly when every two
 * neighbours are compatible ({@link MergeTree#compatible}: BPE would encode their joined bytes as those two
 * tokens). So the encoding of a prefix ends with its last token, and what comes before that token is itself
 * the encoding of a shorter prefix. For every end position, then, in order, the last token of that prefix's
 * encoding is the one token ending there that is compatible with the last token of the prefix before it;
 * only one can be, so the first found, longest first, is it. Tokens ending at a position come from walking
 * {@link SuffixTrie} backwards, a few steps for ordinary text. The count is the length of that chain.
 *
 * <p>One per thread (it keeps its work arrays).
 */
final class LinearBpe {

    private final MergeTree tree;
    private final SuffixTrie trie;
    private final int maxTokenLength;
    /** lastToken[i]: the last token of the encoding of the first i bytes; tokens[i]: how many tokens it has. */
    private int[] lastToken = new int[256];
    private int[] tokens = new int[256];
    /** Tokens ending at the current position and their lengths, in pairs. */
    private final int[] candidates;
    private int length;

    LinearBpe(MergeTree tree, SuffixTrie trie, int maxTokenLength) {
        this.tree = tree;
        this.trie = trie;
        this.maxTokenLength = maxTokenLength;
        this.candidates = new int[2 * maxTokenLength + 2];
    }

    /** Encodes {@code b[from, to)}: returns its token count; {@link #tokensInto} gives the tokens. */
    int encode(byte[] b, int from, int to) {
        int n = to - from;
        if (lastToken.length < n + 1) {
            lastToken = new int[n + 1];
            tokens = new int[n + 1];
        }
        tokens[0] = 0;
        for (int i = 1; i <= n; i++) {
            // Every token ending at i, shortest first; lengths are found as (i - start).
            int found = 0;
            int node = 0;
            for (int k = i - 1; k >= 0 && i - k <= maxTokenLength; k--) {
                node = trie.child(node, b[from + k] & 0xFF);
                if (node < 0) {
                    break;
                }
                int t = trie.token(node);
                if (t >= 0) {
                    candidates[found++] = t;
                    candidates[found++] = i - k;
                }
            }
            int chosen = -1;
            int chosenLength = 0;
            for (int c = found - 2; c >= 0; c -= 2) {
                int t = candidates[c];
                int length = candidates[c + 1];
                int before = i - length;
                if (before == 0 || tree.compatible(lastToken[before], t)) {
                    chosen = t;
                    chosenLength = length;
                    break;
                }
            }
            if (chosen < 0) {
                throw new IllegalStateException("no token ends at byte " + i + " of a piece: the vocabulary lacks a single byte");
            }
            lastToken[i] = chosen;
            tokens[i] = tokens[i - chosenLength] + 1;
        }
        this.length = n;
        return tokens[n];
    }

    /** The tokens of the last {@link #encode}, in order, written at {@code out[0, count)}. */
    void tokensInto(int[] out, RankTable ranks) {
        int i = length;
        int k = tokens[length];
        while (i > 0) {
            int t = lastToken[i];
            out[--k] = t;
            i -= ranks.length(t);
        }
    }
}
