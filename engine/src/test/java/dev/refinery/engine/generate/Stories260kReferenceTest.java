package dev.refinery.engine.generate;

import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.testing.TestModels;
import dev.refinery.engine.tokenizer.Llama2cTokenizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The external correctness check of the whole inference path: greedy decoding of stories260K from BOS
 * must print the publisher's documented text (models/stories260K/README.md) token for token.
 */
class Stories260kReferenceTest {

    private static final String FIRST_LINE = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball. She wanted to play with it, but it was too high.";
    private static final String ENDING = "Her mom said, \"Don't worry, Lily. We can help you.";

    @Test
    void greedyFromBosReproducesThePublishedStory() {
        ModelWeights w = TestModels.stories260k();
        Llama2cTokenizer tok = Llama2cTokenizer.load(TestModels.stories260kDir().resolve("tok512.bin"), w.config().vocabSize());
        GenerationResult r = new Generator(w).generate(new int[] {tok.bosId()}, GenerationOptions.greedy(256, tok.bosId()));
        String text = tok.decode(r.tokens());

        assertEquals(256, r.tokens().length);
        assertEquals(GenerationResult.FinishReason.LENGTH, r.finish());
        assertEquals(FIRST_LINE, text.lines().findFirst().orElseThrow());
        assertTrue(text.endsWith(ENDING), "ends with: " + text.substring(Math.max(0, text.length() - 80)));
    }

    @Test
    void samplingIsReproducibleForASeedAndDiffersAcrossSeeds() {
        ModelWeights w = TestModels.stories260k();
        Generator g = new Generator(w);
        int[] a = g.generate(new int[] {1}, new GenerationOptions(40, 0.9f, 40, 0.9f, 7L, new int[] {1})).tokens();
        int[] b = g.generate(new int[] {1}, new GenerationOptions(40, 0.9f, 40, 0.9f, 7L, new int[] {1})).tokens();
        int[] c = g.generate(new int[] {1}, new GenerationOptions(40, 0.9f, 40, 0.9f, 8L, new int[] {1})).tokens();
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void topKOfOneIsGreedy() {
        ModelWeights w = TestModels.stories260k();
        Generator g = new Generator(w);
        int[] greedy = g.generate(new int[] {1}, GenerationOptions.greedy(30)).tokens();
        int[] topOne = g.generate(new int[] {1}, new GenerationOptions(30, 1.5f, 1, 1f, 3L, new int[0])).tokens();
        assertEquals(java.util.Arrays.toString(greedy), java.util.Arrays.toString(topOne));
    }

    @Test
    void batchedGenerationGivesEachPromptWhatItGetsAlone() {
        ModelWeights w = TestModels.stories260k();
        Llama2cTokenizer tok = Llama2cTokenizer.load(TestModels.stories260kDir().resolve("tok512.bin"), w.config().vocabSize());
        Generator g = new Generator(w);
        java.util.List<int[]> prompts = new java.util.ArrayList<>();
        for (String text : new String[] {"Once upon a time", "Tom had a big red", "The sun", "One day, a little bird named Sue wanted to fly"}) {
            int[] ids = tok.encode(text);
            int[] p = new int[ids.length + 1];
            p[0] = tok.bosId();
            System.arraycopy(ids, 0, p, 1, ids.length);
            prompts.add(p);
        }
        GenerationOptions options = GenerationOptions.greedy(30, tok.bosId());
        java.util.List<GenerationResult> batched = g.generateAll(prompts, options);
        for (int i = 0; i < prompts.size(); i++) {
            GenerationResult alone = g.generate(prompts.get(i), options);
            assertEquals(java.util.Arrays.toString(alone.tokens()), java.util.Arrays.toString(batched.get(i).tokens()), "prompt " + i);
            assertEquals(alone.finish(), batched.get(i).finish());
        }
    }
}
