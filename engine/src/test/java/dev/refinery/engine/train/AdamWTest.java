package dev.refinery.engine.train;

import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.nn.Gradients;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamWTest {

    @Test
    void firstStepMovesEachWeightByTheLearningRateAgainstTheGradientSign() {
        Tensor w = new Tensor("w", new int[] {1, 2}, new float[] {1f, -1f});
        Tensor norm = new Tensor("norm", new int[] {2}, new float[] {1f, 1f});
        Gradients g = new Gradients(List.of(w, norm));
        g.of(w)[0] = 0.5f;
        g.of(w)[1] = -2f;
        g.of(norm)[0] = 3f;
        AdamW opt = new AdamW(List.of(w, norm), 0.1f);
        opt.step(g, 0.01);
        // Bias-corrected Adam's first step is lr * sign(g); decay subtracts lr * wd * w on matrices only.
        assertEquals(1f - 0.01f * 0.1f - 0.01f, w.data()[0], 1e-6);
        assertEquals(-1f + 0.01f * 0.1f + 0.01f, w.data()[1], 1e-6);
        assertEquals(1f - 0.01f, norm.data()[0], 1e-6);
        assertEquals(1f, norm.data()[1], 1e-6);
    }
}
