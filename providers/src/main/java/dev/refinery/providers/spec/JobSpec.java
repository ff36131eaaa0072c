package dev.refinery.providers.spec;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import java.util.List;
import java.util.Objects;

/**
 * What a user asks for, independent of where it runs: the data, the base model, the method, and any optional
 * settings. Unset settings are filled later from the catalog and the provider ({@link EffectiveSpec#resolve}).
 */
public record JobSpec(DatasetRefs datasets, String baseModel, TrainingMethod method, SpecValues settings) {

    public JobSpec {
        Objects.requireNonNull(datasets, "datasets");
        Objects.requireNonNull(method, "method");
        if (baseModel == null || baseModel.isBlank()) {
            throw new SpecException("SPEC_BASE_MODEL_MISSING", "baseModel", "a job needs a base model id");
        }
        settings = settings == null ? SpecValues.EMPTY : settings;
        checkConsistent(method, settings);
    }

    /** The training type asked for; LoRA when unset, as on every provider that offers both. */
    public TrainingType trainingType() {
        return settings.get(SpecField.TRAINING_TYPE).orElse(TrainingType.LORA);
    }

    public static Builder builder(DatasetRefs datasets, String baseModel, TrainingMethod method) {
        return new Builder(datasets, baseModel, method);
    }

    /** Settings that contradict the method or each other are refused here rather than silently dropped (the first of them). */
    static void checkConsistent(TrainingMethod method, SpecValues settings) {
        List<SpecException> problems = inconsistencies(method, settings);
        if (!problems.isEmpty()) {
            throw problems.get(0);
        }
    }

    /**
     * Every setting that contradicts the method, the training type or another setting, so a caller can report them all at
     * once: a LoRA setting on a full fine-tune, a DPO setting on SFT (or trainOnInputs on DPO), numCycles on a linear
     * schedule, simpoGamma on another variant than SimPO, early stopping without enough evaluations.
     */
    public static List<SpecException> inconsistencies(TrainingMethod method, SpecValues settings) {
        List<SpecException> problems = new java.util.ArrayList<>();
        TrainingType type = settings.get(SpecField.TRAINING_TYPE).orElse(TrainingType.LORA);
        for (SpecField<?> f : settings.asMap().keySet()) {
            if (!f.appliesTo(method, type)) {
                String why = f.appliesTo(method, TrainingType.LORA)
                        ? "is a LoRA setting but trainingType is " + type.wireName()
                        : "does not apply to method " + method.wireName();
                problems.add(new SpecException("SPEC_FIELD_NOT_APPLICABLE", f.name(), f.name() + " " + why));
            }
        }
        if (settings.get(SpecField.LR_SCHEDULER).orElse(null) == LrSchedulerType.LINEAR && settings.has(SpecField.NUM_CYCLES)) {
            problems.add(new SpecException("SPEC_FIELD_NOT_APPLICABLE", "numCycles", "numCycles applies to the cosine schedule only"));
        }
        if (settings.has(SpecField.SIMPO_GAMMA) && settings.get(SpecField.DPO_VARIANT).orElse(DpoVariant.STANDARD) != DpoVariant.SIMPO) {
            problems.add(new SpecException("SPEC_FIELD_NOT_APPLICABLE", "simpoGamma", "simpoGamma applies to dpoVariant simpo only"));
        }
        earlyStoppingProblem(settings).ifPresent(problems::add);
        return problems;
    }

    /**
     * Early stopping watches the validation loss, so it needs evaluations: at least patience + warm-up + 1 of them
     * (Together's documented rule, applied on every backend).
     */
    private static java.util.Optional<SpecException> earlyStoppingProblem(SpecValues settings) {
        if (!settings.get(SpecField.EARLY_STOPPING_ENABLED).orElse(false)) {
            return java.util.Optional.empty();
        }
        int patience = settings.get(SpecField.EARLY_STOPPING_PATIENCE).orElse(2);
        int warmup = settings.get(SpecField.EARLY_STOPPING_WARMUP_EVALS).orElse(1);
        int evals = settings.get(SpecField.N_EVALS).orElse(0);
        if (evals >= patience + warmup + 1) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new SpecException("SPEC_FIELD_NOT_APPLICABLE", "nEvals", "early stopping needs nEvals >= "
                + "earlyStoppingPatience + earlyStoppingWarmupEvals + 1 = " + (patience + warmup + 1) + ", got " + evals));
    }

    /** Fluent construction; every setter validates at once, so the error names the field that was wrong. */
    public static final class Builder {
        private final DatasetRefs datasets;
        private final String baseModel;
        private final TrainingMethod method;
        private SpecValues settings = SpecValues.EMPTY;

        private Builder(DatasetRefs datasets, String baseModel, TrainingMethod method) {
            this.datasets = datasets;
            this.baseModel = baseModel;
            this.method = method;
        }

        public <T> Builder set(SpecField<T> field, T value) {
            settings = settings.with(field, value);
            return this;
        }

        public Builder lora(int rank, Double alpha, Double dropout, List<String> targetModules) {
            set(SpecField.TRAINING_TYPE, TrainingType.LORA);
            set(SpecField.LORA_RANK, rank);
            set(SpecField.LORA_ALPHA, alpha);
            set(SpecField.LORA_DROPOUT, dropout);
            return set(SpecField.LORA_TARGET_MODULES, targetModules);
        }

        public Builder fullTraining() {
            return set(SpecField.TRAINING_TYPE, TrainingType.FULL);
        }

        public Builder epochs(int epochs) {
            return set(SpecField.EPOCHS, epochs);
        }

        public Builder learningRate(double lr) {
            return set(SpecField.LEARNING_RATE, lr);
        }

        public Builder batchSize(BatchSize batchSize) {
            return set(SpecField.BATCH_SIZE, batchSize);
        }

        public Builder scheduler(LrSchedulerType type, Double minLrRatio, Double numCycles) {
            set(SpecField.LR_SCHEDULER, type);
            set(SpecField.MIN_LR_RATIO, minLrRatio);
            return set(SpecField.NUM_CYCLES, numCycles);
        }

        public Builder warmupRatio(double ratio) {
            return set(SpecField.WARMUP_RATIO, ratio);
        }

        public Builder dpo(DpoVariant variant, Double beta, Double nllWeight, Double simpoGamma) {
            set(SpecField.DPO_VARIANT, variant);
            set(SpecField.DPO_BETA, beta);
            set(SpecField.DPO_NLL_WEIGHT, nllWeight);
            return set(SpecField.SIMPO_GAMMA, simpoGamma);
        }

        public Builder fromCheckpoint(String checkpoint) {
            return set(SpecField.FROM_CHECKPOINT, checkpoint);
        }

        public Builder suffix(String suffix) {
            return set(SpecField.SUFFIX, suffix);
        }

        public Builder seed(long seed) {
            return set(SpecField.SEED, seed);
        }

        public JobSpec build() {
            return new JobSpec(datasets, baseModel, method, settings);
        }
    }
}
