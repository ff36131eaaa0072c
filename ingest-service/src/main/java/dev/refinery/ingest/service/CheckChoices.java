package dev.refinery.ingest.service;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An upload's check options after {@link CheckChoicesParser} accepted them, in the canonical spelling the
 * validator takes (catalog model id, {@code 90/10/0}, {@code exact}...). Null fields were not given:
 * validation-service uses its configured default for them. Stored with the dataset and carried in
 * {@code dataset-uploaded} as {@code checks}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckChoices(String target, String model, String splits, String dedup, String overContext, Integer epochs,
                           Integer evaluations, TestSet testSet) {

    /** A fixed test set: another stored dataset, by id and where its raw file is. */
    public record TestSet(String datasetId, String bucket, String objectKey) {
    }

    public boolean nothingChosen() {
        return target == null && model == null && splits == null && dedup == null && overContext == null && epochs == null
                && evaluations == null && testSet == null;
    }
}
