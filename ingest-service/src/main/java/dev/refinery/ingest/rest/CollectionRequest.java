package dev.refinery.ingest.rest;

/**
 * The body of {@code POST /collections}: a name and the check options its examples are validated with, spelled as an
 * upload's query parameters (all optional; numbers may be given as numbers or strings), {@code sealEvery}: seal a
 * version on its own every that many new valid examples, {@code sealAfter}: or once the oldest waiting one has waited
 * that long (ISO-8601), and the per-producer rate limit ({@code producerRate} examples a
 * second, {@code producerBurst} at once).
 */
public record CollectionRequest(String name, String target, String model, String splits, String dedup, String overContext, String epochs,
                                String evals, String testSet, String sealEvery, String sealAfter, String producerRate, String producerBurst) {
}
