package dev.refinery.providers.spec;

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

    /** Settings that contradict the method or each other are refused here rather than silently dropped. */
    static void checkConsistent(TrainingMethod method, SpecValues settings) {
        TrainingType type = settings.get(SpecField.TRAINING_TYPE).orElse(TrainingType.LORA);
        for (SpecField<?> f : settings.asMap().keySet()) {
            if (!f.appliesTo(method, type)) {
                String why = f.appliesTo(method, TrainingType.LORA)
                        ? "is a LoRA setting but trainingType is FULL"
                        : "does not apply to method " + method;
                throw new SpecException("SPEC_FIELD_NOT_APPLICABLE", f.name(), f.name() + " " + why);
            }
        }
        if (settings.get(SpecField.LR_SCHEDULER).orElse(null) == LrSchedulerType.LINEAR && settings.has(SpecField.NUM_CYCLES)) {
            throw new SpecException("SPEC_FIELD_NOT_APPLICABLE", "numCycles", "numCycles applies to the cosine schedule only");
        }
        boolean simpo = settings.get(SpecField.DPO_VARIANT).orElse(null) == DpoVariant.SIMPO;
        if (settings.has(SpecField.SIMPO_GAMMA) && settings.has(SpecField.DPO_VARIANT) && !simpo) {
            throw new SpecException("SPEC_FIELD_NOT_APPLICABLE", "simpoGamma", "simpoGamma applies to dpoVariant SIMPO only");
        }
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
