package dev.refinery.training.backend.local;

import dev.refinery.catalog.TrainingType;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.train.LrSchedule;
import dev.refinery.engine.train.PreferenceLoss;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.providers.spec.BatchingMode;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.LrSchedulerType;
import dev.refinery.providers.spec.SequenceOverflow;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.TrainOnInputs;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A job's effective spec in the engine's own terms ({@link TrainingConfig}, {@link PreferenceLoss}). The spec is the
 * platform's vocabulary; the engine is a library with its own, and this is the one place they meet.
 */
public final class EngineSpec {

    static final String ALL_LINEAR = "all-linear";

    private EngineSpec() {
    }

    public static TrainingConfig trainingConfig(EffectiveSpec spec) {
        TrainingConfig config = TrainingConfig.defaults()
                .withEpochs(spec.valueOr(SpecField.EPOCHS, 1))
                .withBatch(spec.value(SpecField.BATCH_SIZE).map(b -> b.examples()).orElse(8), spec.valueOr(SpecField.GRADIENT_ACCUMULATION, 1),
                        spec.valueOr(SpecField.BATCHING, BatchingMode.PADDED) == BatchingMode.PACKED
                                ? TrainingConfig.Batching.PACKED : TrainingConfig.Batching.PADDED)
                .withLearningRate(spec.valueOr(SpecField.LEARNING_RATE, 1e-3).floatValue())
                .withSchedule(schedule(spec.valueOr(SpecField.LR_SCHEDULER, LrSchedulerType.COSINE)),
                        spec.valueOr(SpecField.WARMUP_RATIO, 0.0).floatValue(), spec.valueOr(SpecField.MIN_LR_RATIO, 0.0).floatValue())
                .withRegularisation(spec.valueOr(SpecField.WEIGHT_DECAY, 0.0).floatValue(), spec.valueOr(SpecField.MAX_GRAD_NORM, 1.0).floatValue())
                .withSeed(spec.valueOr(SpecField.SEED, 42L))
                .withTrainOnInputs(spec.valueOr(SpecField.TRAIN_ON_INPUTS, TrainOnInputs.NO) == TrainOnInputs.YES)
                .withSequences(spec.valueOr(SpecField.MAX_SEQ_LEN, 0), overflow(spec.valueOr(SpecField.OVERFLOW, SequenceOverflow.FAIL)))
                .withEvaluation(evaluation(spec))
                .withCheckpointEvery(spec.valueOr(SpecField.CHECKPOINT_EVERY, 0));
        if (spec.trainingType() == TrainingType.FULL) {
            return config.withFullFineTuning();
        }
        int rank = spec.valueOr(SpecField.LORA_RANK, 8);
        return config.withLora(new LoraConfig(rank, spec.valueOr(SpecField.LORA_ALPHA, 2.0 * rank).floatValue(),
                spec.valueOr(SpecField.LORA_DROPOUT, 0.0).floatValue(), targets(spec.valueOr(SpecField.LORA_TARGET_MODULES, List.of(ALL_LINEAR)))));
    }

    /** nEvals spread over the run (0: at the end only), and Together's early-stopping rules when they are on. */
    static TrainingConfig.Evaluation evaluation(EffectiveSpec spec) {
        int count = spec.valueOr(SpecField.N_EVALS, 0);
        if (!spec.valueOr(SpecField.EARLY_STOPPING_ENABLED, false)) {
            return new TrainingConfig.Evaluation(0, count, 0, 0f, 0);
        }
        return new TrainingConfig.Evaluation(0, count, spec.valueOr(SpecField.EARLY_STOPPING_PATIENCE, 2),
                spec.valueOr(SpecField.EARLY_STOPPING_MIN_DELTA, 0.0).floatValue(), spec.valueOr(SpecField.EARLY_STOPPING_WARMUP_EVALS, 1));
    }

    /** A DPO job's preference loss. */
    static PreferenceLoss preferenceLoss(EffectiveSpec spec) {
        PreferenceLoss.Variant variant = switch (spec.valueOr(SpecField.DPO_VARIANT, DpoVariant.STANDARD)) {
            case STANDARD -> PreferenceLoss.Variant.STANDARD;
            case LENGTH_NORMALIZED -> PreferenceLoss.Variant.LENGTH_NORMALIZED;
            case SIMPO -> PreferenceLoss.Variant.SIMPO;
        };
        return new PreferenceLoss(variant, spec.valueOr(SpecField.DPO_BETA, 0.1).floatValue(), spec.valueOr(SpecField.DPO_NLL_WEIGHT, 0.0).floatValue(),
                spec.valueOr(SpecField.SIMPO_GAMMA, 0.0).floatValue());
    }

    /** Whether a target module name is one the engine has: all-linear, or q, k, v, o, gate, up, down (with or without _proj). */
    static boolean isModule(String name) {
        String m = name.strip().toLowerCase(Locale.ROOT);
        if (m.equals(ALL_LINEAR)) {
            return true;
        }
        try {
            Projection.parse(m.endsWith("_proj") ? m.substring(0, m.length() - 5) : m);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Set<Projection> targets(List<String> modules) {
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        for (String module : modules) {
            String m = module.strip().toLowerCase(Locale.ROOT);
            if (m.equals(ALL_LINEAR)) {
                return LoraConfig.allLinear();
            }
            targets.add(Projection.parse(m.endsWith("_proj") ? m.substring(0, m.length() - 5) : m));
        }
        return targets;
    }

    private static LrSchedule.Kind schedule(LrSchedulerType type) {
        return switch (type) {
            case COSINE -> LrSchedule.Kind.COSINE;
            case LINEAR -> LrSchedule.Kind.LINEAR;
            case CONSTANT -> LrSchedule.Kind.CONSTANT;
        };
    }

    private static TrainingConfig.Overflow overflow(SequenceOverflow o) {
        return switch (o) {
            case FAIL -> TrainingConfig.Overflow.FAIL;
            case TRUNCATE -> TrainingConfig.Overflow.TRUNCATE;
            case DROP -> TrainingConfig.Overflow.DROP;
        };
    }
}
