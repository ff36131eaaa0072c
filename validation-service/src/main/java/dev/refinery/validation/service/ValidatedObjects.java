package dev.refinery.validation.service;

import dev.refinery.validation.records.Split;

/** Where a dataset's validation output lives in the bucket: {@code datasets/{id}/validated/...}. */
public final class ValidatedObjects {

    private ValidatedObjects() {
    }

    public static String split(String datasetId, Split split) {
        return prefix(datasetId) + split.label() + ".jsonl";
    }

    public static String report(String datasetId) {
        return prefix(datasetId) + "report.json";
    }

    private static String prefix(String datasetId) {
        return "datasets/" + datasetId + "/validated/";
    }
}
