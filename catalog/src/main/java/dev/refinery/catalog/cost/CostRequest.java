package dev.refinery.catalog.cost;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;

/**
 * One planned job to price.
 *
 * @param epochs       null for the backend's default (OpenAI's rule from the example count; 1 on Together)
 * @param evaluations  evaluation passes over {@code validation} (Together's {@code n_evals}); 0 without validation
 * @param validation   null when the job has no validation file
 * @param packing      Together's {@code packing}; null means the default (true)
 * @param maxSeqLength Together's {@code max_seq_length}, needed only with packing off (defaults to the context)
 */
public record CostRequest(String backend, String model, TrainingType trainingType, TrainingMethod method,
                          Integer epochs, int evaluations, DatasetTokens training, DatasetTokens validation,
                          Boolean packing, Integer maxSeqLength) {

    public static Builder builder(String backend, String model, DatasetTokens training) {
        return new Builder(backend, model, training);
    }

    public boolean packingEnabled() {
        return packing == null || packing;
    }

    public static final class Builder {
        private final String backend;
        private final String model;
        private final DatasetTokens training;
        private TrainingType trainingType = TrainingType.LORA;
        private TrainingMethod method = TrainingMethod.SFT;
        private Integer epochs;
        private int evaluations;
        private DatasetTokens validation;
        private Boolean packing;
        private Integer maxSeqLength;

        private Builder(String backend, String model, DatasetTokens training) {
            this.backend = backend;
            this.model = model;
            this.training = training;
        }

        public Builder trainingType(TrainingType value) {
            trainingType = value;
            return this;
        }

        public Builder method(TrainingMethod value) {
            method = value;
            return this;
        }

        public Builder epochs(Integer value) {
            epochs = value;
            return this;
        }

        public Builder validation(DatasetTokens tokens, int evaluationPasses) {
            validation = tokens;
            evaluations = evaluationPasses;
            return this;
        }

        public Builder packing(boolean value) {
            packing = value;
            return this;
        }

        public Builder maxSeqLength(Integer value) {
            maxSeqLength = value;
            return this;
        }

        public CostRequest build() {
            return new CostRequest(backend, model, trainingType, method, epochs, evaluations, training, validation,
                    packing, maxSeqLength);
        }
    }
}
