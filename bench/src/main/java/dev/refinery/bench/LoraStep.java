package dev.refinery.bench;

import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.model.Tensor;
import dev.refinery.engine.nn.Gradients;
import dev.refinery.engine.nn.TokenBatch;
import dev.refinery.engine.nn.Transformer;
import dev.refinery.engine.train.AdamW;

import java.util.ArrayList;
import java.util.List;

/**
 * One LoRA optimizer step as the trainer runs it, without the data plumbing: zero the gradients,
 * forward and backward over the batch (mean loss over all targets), AdamW on the adapter.
 */
final class LoraStep {

    private final Transformer model;
    private final Gradients grads;
    private final AdamW optimizer;
    private long step;

    LoraStep(BenchModels.Model m) {
        LoraAdapter adapter = LoraAdapter.initialise(BenchModels.LORA, m.config(), 42);
        List<Tensor> trainable = new ArrayList<>(adapter.byPeftName().values());
        this.model = new Transformer(m.weights(), adapter);
        this.grads = new Gradients(trainable);
        this.optimizer = new AdamW(trainable, 0f);
    }

    /** Runs one step and returns the mean loss before the update. */
    double run(TokenBatch batch) {
        grads.zero();
        Transformer.LossResult r = model.lossAndGradients(batch, grads, 1f / batch.targetCount(), ++step);
        optimizer.step(grads, 1e-3);
        return r.meanLoss();
    }
}
