package dev.refinery.providers.spec;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One optional setting of a job spec: its name, its Java type and the range every provider agrees on.
 * Typed keys let {@link SpecValues} and {@link EffectiveSpec} hold every setting in one map with its source,
 * instead of a record component plus a parallel "source" component per field.
 */
public final class SpecField<T> {

    private static final Map<String, SpecField<?>> BY_NAME = new LinkedHashMap<>();

    public static final SpecField<TrainingType> TRAINING_TYPE = field("trainingType", TrainingType.class, v -> true, "");
    public static final SpecField<Integer> EPOCHS = field("epochs", Integer.class, v -> v >= 1, "at least 1");
    public static final SpecField<Double> LEARNING_RATE = field("learningRate", Double.class, v -> v > 0, "greater than 0");
    public static final SpecField<BatchSize> BATCH_SIZE = field("batchSize", BatchSize.class, v -> true, "");
    public static final SpecField<LrSchedulerType> LR_SCHEDULER = field("lrScheduler", LrSchedulerType.class, v -> true, "");
    public static final SpecField<Double> MIN_LR_RATIO = field("minLrRatio", Double.class, v -> v >= 0 && v <= 1, "between 0 and 1");
    public static final SpecField<Double> NUM_CYCLES = field("numCycles", Double.class, v -> v > 0, "greater than 0");
    public static final SpecField<Double> WARMUP_RATIO = field("warmupRatio", Double.class, v -> v >= 0 && v <= 1, "between 0 and 1");
    public static final SpecField<Double> WEIGHT_DECAY = field("weightDecay", Double.class, v -> v >= 0, "0 or more");
    public static final SpecField<Double> MAX_GRAD_NORM = field("maxGradNorm", Double.class, v -> v >= 0, "0 (no clipping) or more");
    public static final SpecField<Long> SEED = field("seed", Long.class, v -> v >= 0 && v <= Integer.MAX_VALUE, "between 0 and 2147483647");
    public static final SpecField<Integer> N_CHECKPOINTS = field("nCheckpoints", Integer.class, v -> v >= 1, "at least 1");
    public static final SpecField<Integer> N_EVALS = field("nEvals", Integer.class, v -> v >= 0, "0 or more");
    public static final SpecField<String> SUFFIX = field("suffix", String.class, v -> !v.isBlank() && v.length() <= 40,
            "1 to 40 characters (Together's limit, the strictest)");
    public static final SpecField<TrainOnInputs> TRAIN_ON_INPUTS = field("trainOnInputs", TrainOnInputs.class, v -> true, "");
    public static final SpecField<String> FROM_CHECKPOINT = field("fromCheckpoint", String.class, v -> !v.isBlank() && v.length() <= 512,
            "1 to 512 characters (a job id, model name or checkpoint reference)");

    // How the data is batched and cut (the local engine chooses them; hosted providers decide for themselves).
    public static final SpecField<Integer> GRADIENT_ACCUMULATION = field("gradientAccumulation", Integer.class, v -> v >= 1, "at least 1");
    public static final SpecField<BatchingMode> BATCHING = field("batching", BatchingMode.class, v -> true, "");
    public static final SpecField<Integer> MAX_SEQ_LEN = field("maxSeqLen", Integer.class, v -> v >= 1, "at least 1");
    public static final SpecField<SequenceOverflow> OVERFLOW = field("overflow", SequenceOverflow.class, v -> true, "");
    /** Steps between the resume points an interrupted run restarts from (the local engine keeps only the newest). */
    public static final SpecField<Integer> CHECKPOINT_EVERY = field("checkpointEvery", Integer.class, v -> v >= 0, "0 (at the end only) or more");

    // Early stopping on the validation loss (Together's early_stopping_* fields, and the local engine's).
    public static final SpecField<Boolean> EARLY_STOPPING_ENABLED = field("earlyStoppingEnabled", Boolean.class, v -> true, "");
    public static final SpecField<Integer> EARLY_STOPPING_PATIENCE = field("earlyStoppingPatience", Integer.class, v -> v >= 1, "at least 1");
    public static final SpecField<Double> EARLY_STOPPING_MIN_DELTA = field("earlyStoppingMinDelta", Double.class, v -> v >= 0, "0 or more");
    public static final SpecField<Integer> EARLY_STOPPING_WARMUP_EVALS = field("earlyStoppingWarmupEvals", Integer.class, v -> v >= 0, "0 or more");

    public static final SpecField<Integer> LORA_RANK = field("loraRank", Integer.class, v -> v >= 1, "at least 1");
    public static final SpecField<Double> LORA_ALPHA = field("loraAlpha", Double.class, v -> v > 0, "greater than 0");
    public static final SpecField<Double> LORA_DROPOUT = field("loraDropout", Double.class, v -> v >= 0 && v < 1, "in [0, 1)");
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static final SpecField<List<String>> LORA_TARGET_MODULES = field("loraTargetModules", (Class) List.class,
            v -> !((List<?>) v).isEmpty(), "a non-empty list such as [\"all-linear\"] or [\"q_proj\", \"v_proj\"]");

    public static final SpecField<DpoVariant> DPO_VARIANT = field("dpoVariant", DpoVariant.class, v -> true, "");
    public static final SpecField<Double> DPO_BETA = field("dpoBeta", Double.class, v -> v > 0, "greater than 0");
    public static final SpecField<Double> DPO_NLL_WEIGHT = field("dpoNllWeight", Double.class, v -> v >= 0, "0 or more");
    public static final SpecField<Double> SIMPO_GAMMA = field("simpoGamma", Double.class, v -> v >= 0, "0 or more");

    private final String name;
    private final Class<T> type;
    private final Predicate<T> valid;
    private final String rangeDescription;

    private SpecField(String name, Class<T> type, Predicate<T> valid, String rangeDescription) {
        this.name = name;
        this.type = type;
        this.valid = valid;
        this.rangeDescription = rangeDescription;
    }

    private static <T> SpecField<T> field(String name, Class<T> type, Predicate<T> valid, String range) {
        SpecField<T> f = new SpecField<>(name, type, valid, range);
        BY_NAME.put(name, f);
        return f;
    }

    /** The camelCase name used in JSON, error messages and the effective-spec record. */
    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    /** What every backend accepts for this setting, in words (a backend may accept less: see its capabilities). */
    public String rangeDescription() {
        if (!rangeDescription.isEmpty()) {
            return rangeDescription;
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT)).toList();
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (type == TrainOnInputs.class) {
            return "true, false or \"auto\"";
        }
        return type == BatchSize.class ? "an integer of at least 1, or \"max\"" : "a " + type.getSimpleName();
    }

    /** Checks type and range; returns the value (lists copied unmodifiable) or throws a {@link SpecException}. */
    @SuppressWarnings("unchecked")
    public T check(Object value) {
        Objects.requireNonNull(value, name);
        if (!type.isInstance(value)) {
            throw new SpecException("SPEC_VALUE_WRONG_TYPE", name,
                    "expected " + type.getSimpleName() + ", got " + value.getClass().getSimpleName());
        }
        T typed = (T) value;
        if (typed instanceof List<?> list) {
            typed = (T) Collections.unmodifiableList(new ArrayList<>(list));
        }
        if (!valid.test(typed)) {
            throw new SpecException("SPEC_VALUE_OUT_OF_RANGE", name, "must be " + rangeDescription + ", got " + value);
        }
        return typed;
    }

    /** Whether the setting means anything for this method and training type (DPO settings on SFT do not). */
    public boolean appliesTo(TrainingMethod method, TrainingType trainingType) {
        boolean dpoOnly = this == DPO_VARIANT || this == DPO_BETA || this == DPO_NLL_WEIGHT || this == SIMPO_GAMMA;
        boolean loraOnly = this == LORA_RANK || this == LORA_ALPHA || this == LORA_DROPOUT || this == LORA_TARGET_MODULES;
        boolean sftOnly = this == TRAIN_ON_INPUTS;
        if (dpoOnly && method != TrainingMethod.DPO) {
            return false;
        }
        if (sftOnly && method != TrainingMethod.SFT) {
            return false;
        }
        // LoRA settings mean nothing for a full fine-tune, nor for a provider that chooses what to train (MANAGED).
        return !(loraOnly && trainingType != TrainingType.LORA);
    }

    public static List<SpecField<?>> all() {
        return List.copyOf(BY_NAME.values());
    }

    public static SpecField<?> byName(String name) {
        SpecField<?> f = BY_NAME.get(name);
        if (f == null) {
            throw new SpecException("SPEC_FIELD_UNKNOWN", name, "no such setting; known: " + BY_NAME.keySet());
        }
        return f;
    }

    @Override
    public String toString() {
        return name;
    }
}
