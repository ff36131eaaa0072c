package dev.refinery.ingest.service;

/**
 * The check options of an upload as the caller wrote them (query parameters), every one optional:
 * {@code target}, {@code model}, {@code splits}, {@code dedup}, {@code overContext}, {@code epochs},
 * {@code evals} and {@code testSet} (the id of another dataset whose records are the test split).
 */
public record CheckRequest(String target, String model, String splits, String dedup, String overContext, String epochs,
                           String evals, String testSet) {

    public static final CheckRequest NONE = new CheckRequest(null, null, null, null, null, null, null, null);
}
