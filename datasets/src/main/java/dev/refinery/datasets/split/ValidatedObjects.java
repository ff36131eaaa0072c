package dev.refinery.datasets.split;

/**
 * Where a dataset's validation output lives in the bucket, {@code datasets/{id}/validated/...}: validation-service writes
 * there, and ingest-service (a clean subset, a collection's frozen test split) and the other services read there. One
 * place for the keys, so that writer and readers cannot disagree.
 */
public final class ValidatedObjects {

    private ValidatedObjects() {
    }

    public static String split(String datasetId, Split split) {
        return prefix(datasetId) + split.id() + ".jsonl";
    }

    /** The report, written for a VALID and an INVALID dataset alike: its presence means a verdict. */
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
