package dev.refinery.ingest.rest;

/**
 * The body of {@code POST /collections}: a name and the check options its examples are validated with, spelled as an
 * upload's query parameters (all optional; numbers may be given as numbers or strings), and {@code sealEvery}: seal a
 * version on its own every that many new valid examples.
 */
public record CollectionRequest(String name, String target, String model, String splits, String dedup, String overContext, String epochs,
                                String evals, String testSet, String sealEvery) {
}
