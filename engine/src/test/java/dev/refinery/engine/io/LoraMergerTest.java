package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.Tensor;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraMergerTest {

    private static final ModelConfig CONFIG = ModelConfig.llama2c(16, 24, 2, 4, 2, 29, 64);

    @Test
    void mergedWeightIsBasePlusScaledProductAndOthersAreUnchanged() {
        ModelWeights base = ModelWeights.random(CONFIG, 1);
        Map<String, float[]> before = snapshot(base);
        LoraAdapter adapter = Adapters.trained(CONFIG, 3, 12f, EnumSet.of(Projection.Q, Projection.O, Projection.DOWN), 2);

        ModelWeights merged = LoraMerger.merge(base, adapter);

        double scale = 12.0 / 3;
        for (int layer = 0; layer < CONFIG.nLayers(); layer++) {
            for (Projection p : Projection.values()) {
                Tensor w = base.layers[layer].weight(p);
                float[] actual = merged.layers[layer].weight(p).data();
                if (!adapter.adapts(p)) {
                    assertArrayEquals(w.data(), actual, "unadapted " + p);
                    continue;
                }
                double[] expected = naive(w, adapter.b(layer, p), adapter.a(layer, p), scale);
                double largestDelta = 0;
                for (int i = 0; i < actual.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-6, p + " layer " + layer + " element " + i);
                    largestDelta = Math.max(largestDelta, Math.abs(actual[i] - w.data()[i]));
                }
                assertTrue(largestDelta > 0.01, "the merge changed " + p);
            }
        }
        snapshot(base).forEach((name, data) -> assertArrayEquals(before.get(name), data, "base untouched: " + name));
        assertNotSame(base.tokenEmbedding.data(), merged.tokenEmbedding.data(), "the result shares no arrays with the base");
    }

    @Test
    void freshAdapterMergesToTheBase() {
        ModelWeights base = ModelWeights.random(CONFIG, 3);
        LoraAdapter fresh = LoraAdapter.initialise(new LoraConfig(4, 8f, 0f, LoraConfig.allLinear()), CONFIG, 4);
        ModelWeights merged = LoraMerger.merge(base, fresh);
        base.byHfName().forEach((name, t) -> assertArrayEquals(t.data(), merged.byHfName().get(name).data(), name));
    }

    @Test
    void adapterForAnotherShapeIsRefused() {
        ModelWeights base = ModelWeights.random(CONFIG, 5);
        ModelConfig other = ModelConfig.llama2c(16, 32, 2, 4, 2, 29, 64);
        LoraAdapter adapter = Adapters.trained(other, 2, 2f, EnumSet.of(Projection.UP), 6);
        EngineException e = assertThrows(EngineException.ShapeMismatch.class, () -> LoraMerger.merge(base, adapter));
        assertTrue(e.getMessage().contains("hidden_dim=32") && e.getMessage().contains("hidden_dim=24"), e.getMessage());
    }

    private static double[] naive(Tensor w, Tensor b, Tensor a, double scale) {
        int out = w.dim(0);
        int in = w.dim(1);
        int rank = a.dim(0);
        double[] result = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double sum = 0;
                for (int r = 0; r < rank; r++) {
                    sum += (double) b.data()[o * rank + r] * a.data()[r * in + i];
                }
                result[o * in + i] = w.data()[o * in + i] + scale * sum;
            }
        }
        return result;
    }

    private static Map<String, float[]> snapshot(ModelWeights w) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        w.byHfName().forEach((name, t) -> out.put(name, t.data().clone()));
        return out;
    }
}
