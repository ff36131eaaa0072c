package dev.refinery.datasets.tokens.bpe;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The linear-time encoder and its pair test against plain pair-by-pair merging, the definition of BPE. */
class LinearBpeTest {

    private static final RankTable O200K = RankTable.load("/com/knuddels/jtokkit/o200k_base.tiktoken");
    private static final MergeTree TREE = new MergeTree(O200K);
    private static final SuffixTrie TRIE = new SuffixTrie(O200K, TREE);

    private static int[] merged(byte[] b) {
        PairMerge merge = new PairMerge(O200K);
        int n = merge.merge(b, 0, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = merge.token(i);
        }
        return out;
    }

    private static int[] linear(byte[] b) {
        LinearBpe linear = new LinearBpe(TREE, TRIE, O200K.maxTokenLength());
        int n = linear.encode(b, 0, b.length);
        int[] out = new int[n];
        linear.tokensInto(out, O200K);
        return out;
    }

    @Test
    void twoTokensAreCompatibleExactlyWhenMergingTheirBytesGivesThemBack() {
        Random random = new Random(3);
        int checked = 0;
        for (int n = 0; n < 200_000; n++) {
            int a = random.nextInt(O200K.size());
            int b = random.nextInt(random.nextBoolean() ? 300 : O200K.size()); // short tokens meet often in text
            if (!TREE.reachable(a) || !TREE.reachable(b)) {
                continue;
            }
            byte[] joined = new byte[O200K.length(a) + O200K.length(b)];
            System.arraycopy(O200K.bytes(), O200K.offset(a), joined, 0, O200K.length(a));
            System.arraycopy(O200K.bytes(), O200K.offset(b), joined, O200K.length(a), O200K.length(b));
            boolean expected = Arrays.equals(merged(joined), new int[]{a, b});
            assertEquals(expected, TREE.compatible(a, b), () -> "tokens " + a + " and " + b);
            checked++;
        }
        assertEquals(true, checked > 100_000);
    }

    @Test
    void longPiecesEncodeAsPairByPairMergingDoes() {
        for (String text : Corpus.adversarial(4_000)) {
            byte[] b = Corpus.withoutUnpairedSurrogates(text).getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(merged(b), linear(b), () -> text.length() > 80 ? text.substring(0, 80) : text);
        }
        for (String text : List.of(" ".repeat(10_000), "a".repeat(10_000), "中文".repeat(3_000), "😀".repeat(2_000), "=-".repeat(4_000))) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(merged(b), linear(b));
        }
    }
}
