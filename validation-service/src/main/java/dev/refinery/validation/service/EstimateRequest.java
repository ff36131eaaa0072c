package dev.refinery.validation.service;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;

/**
 * A cost estimate asked for, checked field by field ({@link EstimateRequestReader}). Token counts come either
 * from a validated dataset's report ({@code datasetId}) or from the request ({@code trainingTokens}...).
 *
 * @param trainingType null: the model's only training type, or LoRA when it offers several
 * @param epochs       null: the provider's default rule
 * @param relativeError 0 for exact counts
 */
public record EstimateRequest(String datasetId, String backend, String model, TrainingType trainingType, TrainingMethod method,
                              Integer epochs, int evaluations, Boolean packing, Integer maxSeqLength,
                              Long trainingTokens, Long validationTokens, long examples, long validationExamples, double relativeError) {

    public boolean fromDataset() {
        return datasetId != null;
    }
}
