package dev.refinery.providers.together;

import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.LrSchedulerType;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.providers.spec.TrainOnInputs;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;

import java.util.List;
import java.util.function.Function;

/**
 * Together's documented defaults (reference providers.md §1.4). The LoRA rank defaults to the model's
 * {@code max_rank}, which only the model-limits endpoint knows; {@code maxRankOf} asks it (null when unknown).
 */
final class TogetherDefaults implements ProviderDefaults {

    private final Function<String, Integer> maxRankOf;

    TogetherDefaults(Function<String, Integer> maxRankOf) {
        this.maxRankOf = maxRankOf;
    }

    @Override
    public SpecValues defaultsFor(String baseModel, TrainingMethod method, TrainingType type, SpecValues set) {
        SpecValues d = SpecValues.EMPTY
                .with(SpecField.TRAINING_TYPE, TrainingType.LORA)
                .with(SpecField.EPOCHS, 1)
                .with(SpecField.N_CHECKPOINTS, 1)
                .with(SpecField.N_EVALS, 0)
                .with(SpecField.LEARNING_RATE, 1e-5)
                .with(SpecField.BATCH_SIZE, BatchSize.MAX)
                .with(SpecField.WARMUP_RATIO, 0.0)
                .with(SpecField.MAX_GRAD_NORM, 1.0)
                .with(SpecField.WEIGHT_DECAY, 0.0)
                .with(SpecField.LR_SCHEDULER, LrSchedulerType.COSINE)
                .with(SpecField.MIN_LR_RATIO, 0.0);
        // Early stopping (docs "fine-tuning/early-stopping"): off by default; its other defaults only mean something when on.
        d = d.with(SpecField.EARLY_STOPPING_ENABLED, false);
        if (set.get(SpecField.EARLY_STOPPING_ENABLED).orElse(false)) {
            d = d.with(SpecField.EARLY_STOPPING_PATIENCE, 2).with(SpecField.EARLY_STOPPING_MIN_DELTA, 0.0).with(SpecField.EARLY_STOPPING_WARMUP_EVALS, 1);
        }
        if (set.get(SpecField.LR_SCHEDULER).orElse(LrSchedulerType.COSINE) == LrSchedulerType.COSINE) {
            d = d.with(SpecField.NUM_CYCLES, 0.5);
        }
        if (type == TrainingType.LORA) {
            Integer rank = set.get(SpecField.LORA_RANK).orElseGet(() -> maxRankOf.apply(baseModel));
            if (rank != null) {
                d = d.with(SpecField.LORA_RANK, rank).with(SpecField.LORA_ALPHA, 2.0 * rank);
            }
            d = d.with(SpecField.LORA_DROPOUT, 0.0).with(SpecField.LORA_TARGET_MODULES, List.of("all-linear"));
        }
        if (method == TrainingMethod.SFT) {
            d = d.with(SpecField.TRAIN_ON_INPUTS, TrainOnInputs.AUTO);
        } else {
            DpoVariant variant = set.get(SpecField.DPO_VARIANT).orElse(DpoVariant.STANDARD);
            d = d.with(SpecField.DPO_VARIANT, DpoVariant.STANDARD).with(SpecField.DPO_BETA, 0.1).with(SpecField.DPO_NLL_WEIGHT, 0.0);
            if (variant == DpoVariant.SIMPO) {
                d = d.with(SpecField.SIMPO_GAMMA, 0.0);
            }
        }
        return d;
    }
}
