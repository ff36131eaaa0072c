package dev.refinery.training.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The effective hyperparameters of a job: every setting the run uses, by name, and where each came
 * from ({@link #USER}, {@link #DEFAULT} or {@link #FROM_JOB}). Values are Integer, Long, Double, Boolean or String.
 */
public record Hyperparameters(Map<String, Object> values, Map<String, String> sources) {

    public static final String USER = "user";
    public static final String DEFAULT = "default";
    /** Taken over from the job a second stage continues ({@code fromJob}): the adapter's shape. */
    public static final String FROM_JOB = "fromJob";

    public static final String TRAINING_TYPE = "trainingType";
    public static final String EPOCHS = "epochs";
    public static final String BATCH_SIZE = "batchSize";
    public static final String GRADIENT_ACCUMULATION = "gradientAccumulation";
    public static final String BATCHING = "batching";
    public static final String LEARNING_RATE = "learningRate";
    public static final String LR_SCHEDULER = "lrScheduler";
    public static final String WARMUP_RATIO = "warmupRatio";
    public static final String MIN_LR_RATIO = "minLrRatio";
    public static final String WEIGHT_DECAY = "weightDecay";
    public static final String MAX_GRAD_NORM = "maxGradNorm";
    public static final String LORA_RANK = "loraRank";
    public static final String LORA_ALPHA = "loraAlpha";
    public static final String LORA_DROPOUT = "loraDropout";
    public static final String LORA_TARGETS = "loraTargets";
    public static final String SEED = "seed";
    public static final String MAX_SEQ_LEN = "maxSeqLen";
    public static final String OVERFLOW = "overflow";
    public static final String TRAIN_ON_INPUTS = "trainOnInputs";
    public static final String EVAL_EVERY = "evalEvery";
    public static final String CHECKPOINT_EVERY = "checkpointEvery";
    public static final String EARLY_STOPPING_PATIENCE = "earlyStoppingPatience";
    public static final String DPO_VARIANT = "dpoVariant";
    public static final String DPO_BETA = "dpoBeta";
    public static final String DPO_NLL_WEIGHT = "dpoNllWeight";
    public static final String SIMPO_GAMMA = "simpoGamma";

    public Hyperparameters {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }

    public int integer(String name) {
        return ((Number) require(name)).intValue();
    }

    public long longValue(String name) {
        return ((Number) require(name)).longValue();
    }

    public double number(String name) {
        return ((Number) require(name)).doubleValue();
    }

    public String text(String name) {
        return (String) require(name);
    }

    /** Whether the run has a setting of this name (the DPO settings exist for DPO jobs only). */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return (Boolean) require(name);
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("hyperparameter " + name + " has no value");
        }
        return v;
    }
}
