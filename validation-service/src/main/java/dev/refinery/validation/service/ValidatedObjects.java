package dev.refinery.validation.service;

import dev.refinery.datasets.split.Split;

/** Where a dataset's validation output lives in the bucket: {@code datasets/{id}/validated/...}. */
public final class ValidatedObjects {

    private ValidatedObjects() {
    }

    public static String split(String datasetId, Split split) {
        return prefix(datasetId) + split.id() + ".jsonl";
    }

    public static String report(String datasetId) {
        return prefix(datasetId) + "report.json";
    }

    /** Every record the check kept (what the splits hold, in file order, without a fixed test set's records): the clean subset. */
    public static String cleanSubset(String datasetId) {
        return prefix(datasetId) + "clean.jsonl";
    }

    /** The normalized fingerprints of the version's records, for later versions' duplicate check. */
    public static String fingerprints(String datasetId) {
        return prefix(datasetId) + "fingerprints.bin";
    }

    private static String prefix(String datasetId) {
        return "datasets/" + datasetId + "/validated/";
    }
}
