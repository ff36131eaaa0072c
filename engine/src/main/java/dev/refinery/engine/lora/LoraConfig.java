package dev.refinery.engine.lora;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.Projection;

import java.util.EnumSet;
import java.util.Set;

/**
 * LoRA hyperparameters: W' = W + (alpha / rank) * B A, with dropout on the input of A during training.
 */
public record LoraConfig(int rank, float alpha, float dropout, Set<Projection> targets) {

    public LoraConfig {
        if (rank <= 0) {
            throw new EngineException.InvalidArgument("lora rank must be positive, got " + rank);
        }
        if (!(alpha > 0)) {
            throw new EngineException.InvalidArgument("lora alpha must be positive, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new EngineException.InvalidArgument("lora dropout must be in [0, 1), got " + dropout);
        }
        if (targets == null || targets.isEmpty()) {
            throw new EngineException.InvalidArgument("lora needs at least one target module (q, k, v, o, gate, up, down)");
        }
        targets = Set.copyOf(EnumSet.copyOf(targets));
    }

    /** All seven projections, like PEFT's "all-linear" (minus the classifier). */
    public static Set<Projection> allLinear() {
        return EnumSet.allOf(Projection.class);
    }

    public float scale() {
        return alpha / rank;
    }
}
