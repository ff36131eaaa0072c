package dev.refinery.ingest.rest;

import java.util.List;

/** The answer to a batch of examples: counts, and one result per example in the order sent. */
public record ExampleBatchView(long accepted, long duplicates, long rejected, List<Result> results) {

    /** @param status accepted, duplicate or rejected */
    public record Result(String producerId, String idempotencyId, String status, List<ExampleProblemView> problems,
                         List<ExampleProblemView> warnings) {
    }
}
