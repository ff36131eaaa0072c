package dev.refinery.engine.nn;

import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks the hand-written backward pass of the whole decoder (embedding, RMSNorm, RoPE, grouped-query
 * attention over packed segments, SwiGLU, linear layers with biases and LoRA, cross-entropy) against
 * central finite differences, entry by entry, for every kind of tensor.
 */
class TransformerGradientTest {

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("llama2c-style, tied, interleaved rope", RopeStyle.INTERLEAVED, true, false),
                Arguments.of("hf-style, untied, half rope, qkv bias", RopeStyle.HALF, false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void fullFineTuningGradientsMatchFiniteDifferences(String label, RopeStyle rope, boolean tied, boolean bias) {
        ModelConfig c = new ModelConfig("test", 16, 24, 2, 4, 2, 4, 32, 16, 1e-5f, 10000f, rope, tied, bias);
        ModelWeights w = scaled(ModelWeights.random(c, 7), 11);
        Transformer model = new Transformer(w, null);
        List<Tensor> params = w.all();
        checkGradients(model, params, 0L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void loraGradientsMatchFiniteDifferences(String label, RopeStyle rope, boolean tied, boolean bias) {
        ModelConfig c = new ModelConfig("test", 16, 24, 2, 4, 2, 4, 32, 16, 1e-5f, 10000f, rope, tied, bias);
        ModelWeights w = scaled(ModelWeights.random(c, 3), 5);
        LoraAdapter adapter = LoraAdapter.initialise(new LoraConfig(3, 6f, 0.25f, LoraConfig.allLinear()), c, 9);
        // B starts at zero, which would make every gradient of A zero: randomise it for the check.
        SplittableRandom rnd = new SplittableRandom(13);
        for (Tensor t : adapter.byPeftName().values()) {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (rnd.nextDouble() - 0.5);
            }
        }
        Transformer model = new Transformer(w, adapter);
        checkGradients(model, new ArrayList<>(adapter.byPeftName().values()), 42L);
    }

    private static void checkGradients(Transformer model, List<Tensor> params, long seed) {
        TokenBatch batch = batch(model.config().vocabSize());
        float lossScale = 1f / batch.targetCount();
        Gradients grads = new Gradients(params);
        model.lossAndGradients(batch, grads, lossScale, seed);
        SplittableRandom pick = new SplittableRandom(99);
        int checked = 0;
        for (Tensor t : params) {
            float[] d = t.data();
            float[] g = grads.of(t);
            for (int probe = 0; probe < 4; probe++) {
                int i = pick.nextInt(d.length);
                float original = d[i];
                float eps = 1e-2f;
                d[i] = original + eps;
                double up = loss(model, batch, params, lossScale, seed);
                d[i] = original - eps;
                double down = loss(model, batch, params, lossScale, seed);
                d[i] = original;
                double numeric = (up - down) / (2 * eps);
                double analytic = g[i];
                double tolerance = 2e-3 + 3e-2 * Math.abs(numeric);
                assertTrue(Math.abs(numeric - analytic) <= tolerance,
                        t.name() + "[" + i + "]: analytic " + analytic + " vs numeric " + numeric);
                checked++;
            }
        }
        assertTrue(checked >= params.size() * 4);
    }

    /** The training loss with the same dropout seed, computed through the training path. */
    private static double loss(Transformer model, TokenBatch batch, List<Tensor> params, float lossScale, long seed) {
        return model.lossAndGradients(batch, new Gradients(params), lossScale, seed).nllSum() * lossScale;
    }

    /** Two packed segments of different lengths, loss on most positions. */
    private static TokenBatch batch(int vocab) {
        SplittableRandom rnd = new SplittableRandom(5);
        TokenBatch.Builder b = new TokenBatch.Builder(16);
        for (int len : new int[] {9, 6}) {
            int[] ids = new int[len];
            boolean[] mask = new boolean[len];
            for (int i = 0; i < len; i++) {
                ids[i] = rnd.nextInt(vocab);
                mask[i] = i >= 2;
            }
            b.add(ids, mask);
        }
        return b.build();
    }

    /** Larger weights than the N(0, 0.02) default, so that every nonlinearity is exercised. */
    private static ModelWeights scaled(ModelWeights w, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Tensor t : w.all()) {
            float[] d = t.data();
            boolean norm = t.name().contains("norm");
            for (int i = 0; i < d.length; i++) {
                d[i] = norm ? (float) (0.5 + rnd.nextDouble()) : (float) ((rnd.nextDouble() - 0.5) * 0.8);
            }
        }
        return w;
    }
}
