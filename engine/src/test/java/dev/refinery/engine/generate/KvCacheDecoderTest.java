package dev.refinery.engine.generate;

import dev.refinery.engine.io.LoraMerger;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder's two additions for serving: prompts fed as a block, and an adapter per row over shared base weights. */
class KvCacheDecoderTest {

    private static final ModelWeights BASE = TestModels.stories260k();
    private static final int[] PROMPT = {1, 403, 407, 261, 378, 429, 261, 270};

    @Test
    void aPromptFedAsOneBlockGivesTheSameLogitsAsTokenByToken() {
        KvCacheDecoder one = new KvCacheDecoder(BASE, 1, 64);
        float[] last = null;
        for (int t : PROMPT) {
            last = one.step(t);
        }
        KvCacheDecoder block = new KvCacheDecoder(BASE, 2, 64);
        block.step(new int[] {1}, new int[] {PROMPT[0]});
        int[] slots = new int[PROMPT.length];
        Arrays.fill(slots, 0);
        float[] all = block.step(slots, PROMPT);
        int vocab = BASE.config().vocabSize();

        // Equal to rounding: one row takes the matrix-vector kernel, a block the matrix-matrix one (other summation order).
        assertClose(last, Arrays.copyOfRange(all, (PROMPT.length - 1) * vocab, PROMPT.length * vocab));
        assertEquals(PROMPT.length, block.position(0));
        assertEquals(1, block.position(1), "the other slot did not move");
        block.reset(0);
        assertEquals(0, block.position(0));
    }

    @Test
    void eachRowGetsItsOwnAdapterOverTheSharedBase() {
        LoraAdapter adapter = LoraAdapter.initialise(new LoraConfig(4, 8f, 0f, LoraConfig.allLinear()), BASE.config(), 3);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int layer = 0; layer < BASE.config().nLayers(); layer++) {
            for (Projection p : Projection.values()) {
                Tensor b = adapter.b(layer, p);
                for (int i = 0; i < b.size(); i++) {
                    b.data()[i] = (float) (rnd.nextDouble() - 0.5) * 0.4f;
                }
            }
        }
        LoraDelta delta = LoraDelta.of(adapter, BASE.config());
        KvCacheDecoder mixed = new KvCacheDecoder(BASE, 2, 64);
        KvCacheDecoder base = new KvCacheDecoder(BASE, 1, 64);
        KvCacheDecoder merged = new KvCacheDecoder(LoraMerger.merge(BASE, adapter), 1, 64);
        int vocab = BASE.config().vocabSize();
        double largestChange = 0;
        for (int t : PROMPT) {
            float[] both = mixed.step(new int[] {0, 1}, new int[] {t, t}, new LoraDelta[] {null, delta});
            float[] plain = base.step(t);
            float[] adapted = merged.step(t);
            assertClose(plain, Arrays.copyOfRange(both, 0, vocab));
            assertClose(adapted, Arrays.copyOfRange(both, vocab, 2 * vocab));
            for (int j = 0; j < vocab; j++) {
                largestChange = Math.max(largestChange, Math.abs(adapted[j] - plain[j]));
            }
        }
        assertTrue(largestChange > 0.1, "the adapter changes the logits: " + largestChange);
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-4f * Math.max(1f, Math.abs(expected[j])), "logit " + j);
        }
    }
}
