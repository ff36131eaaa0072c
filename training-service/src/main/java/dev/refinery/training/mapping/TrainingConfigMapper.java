package dev.refinery.training.mapping;

import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.train.LrSchedule;
import dev.refinery.engine.train.PreferenceLoss;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.training.service.HyperparameterValidator;
import dev.refinery.training.service.Hyperparameters;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import static dev.refinery.training.service.Hyperparameters.*;

/** A job's effective hyperparameters as the local engine's {@link TrainingConfig}. */
public final class TrainingConfigMapper {

    private TrainingConfigMapper() {
    }

    public static TrainingConfig toEngine(Hyperparameters h) {
        LoraConfig lora = new LoraConfig(h.integer(LORA_RANK), (float) h.number(LORA_ALPHA), (float) h.number(LORA_DROPOUT),
                loraTargets(h.text(LORA_TARGETS)));
        TrainingConfig config = TrainingConfig.defaults()
                .withLora(lora)
                .withEpochs(h.integer(EPOCHS))
                .withBatch(h.integer(BATCH_SIZE), h.integer(GRADIENT_ACCUMULATION), upper(TrainingConfig.Batching.class, h.text(BATCHING)))
                .withLearningRate((float) h.number(LEARNING_RATE))
                .withSchedule(upper(LrSchedule.Kind.class, h.text(LR_SCHEDULER)), (float) h.number(WARMUP_RATIO),
                        (float) h.number(MIN_LR_RATIO))
                .withRegularisation((float) h.number(WEIGHT_DECAY), (float) h.number(MAX_GRAD_NORM))
                .withSeed(h.longValue(SEED))
                .withTrainOnInputs(h.flag(TRAIN_ON_INPUTS))
                .withSequences(h.integer(MAX_SEQ_LEN), upper(TrainingConfig.Overflow.class, h.text(OVERFLOW)))
                .withEvaluation(h.integer(EVAL_EVERY), h.integer(EARLY_STOPPING_PATIENCE))
                .withCheckpointEvery(h.integer(CHECKPOINT_EVERY));
        return "full".equals(h.text(TRAINING_TYPE)) ? config.withFullFineTuning() : config;
    }

    /** A DPO job's preference loss (its settings exist only on DPO jobs). */
    public static PreferenceLoss preferenceLoss(Hyperparameters h) {
        return new PreferenceLoss(upper(PreferenceLoss.Variant.class, h.text(DPO_VARIANT)), (float) h.number(DPO_BETA),
                (float) h.number(DPO_NLL_WEIGHT), (float) h.number(SIMPO_GAMMA));
    }

    static Set<Projection> loraTargets(String canonical) {
        if (HyperparameterValidator.ALL_LINEAR.equals(canonical)) {
            return LoraConfig.allLinear();
        }
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        for (String module : canonical.split(",")) {
            targets.add(Projection.parse(module));
        }
        return targets;
    }

    private static <E extends Enum<E>> E upper(Class<E> type, String value) {
        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    }
}
