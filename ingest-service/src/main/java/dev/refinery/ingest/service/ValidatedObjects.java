package dev.refinery.ingest.service;

/**
 * Where validation-service leaves what it made of a dataset (its own {@code ValidatedObjects} writes them; this service
 * reads them): one place here for the keys, so that the clean subset and a collection's frozen test split agree with it.
 */
public final class ValidatedObjects {

    private ValidatedObjects() {
    }

    /** The report, written for a VALID and an INVALID dataset alike: its presence means a verdict. */
    public static String report(String datasetId) {
        return prefix(datasetId) + "report.json";
    }

    /** The test split, written for a VALID dataset only. */
    public static String testSplit(String datasetId) {
        return prefix(datasetId) + "test.jsonl";
    }

    /** Every record that passed validation, in file order. */
    public static String cleanSubset(String datasetId) {
        return prefix(datasetId) + "clean.jsonl";
    }

    private static String prefix(String datasetId) {
        return "datasets/" + datasetId + "/validated/";
    }
}
