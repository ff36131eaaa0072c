package dev.refinery.training.events;

import java.util.List;

/**
 * What training-service reads of {@code eval-finished} (v1 to v3, contracts/schemas/eval-finished.v3.json): the evaluation
 * of a job's model, to close the pipeline run that trained it. Other fields are ignored; v1 records carry no outcome or
 * decision.
 */
public record EvalFinished(String tenant, String evalId, String jobId, String datasetId, String status, String metric, Score baseline, Score candidate,
                           Score champion, String championVersionId, String candidateVersionId, String outcome, String decision, List<String> reasons,
                           String failureCode, String failureReason) {

    public static final String TOPIC = "eval-finished";

    /** The ce_type prefix of every version this service reads. */
    public static final String TYPE_PREFIX = "refinery.eval-finished.v";

    /** One model's primary metric. */
    public record Score(String model, Double metric) {
    }

    public boolean completed() {
        return "COMPLETED".equals(status);
    }
}
