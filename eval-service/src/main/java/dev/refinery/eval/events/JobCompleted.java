package dev.refinery.eval.events;

/**
 * What eval-service reads of {@code job-completed} v1 (contracts/schemas/job-completed.v1.json);
 * unknown fields are ignored.
 */
public record JobCompleted(String jobId, String datasetId, String baseModel, String status, String bucket, String adapterKey,
                           String backend) {

    public static final String TOPIC = "job-completed";
    public static final String TYPE = "refinery.job-completed.v1";

    /** Trained on the local engine (no backend field, from before providers, means local): its adapter is in our bucket. */
    public boolean trainedLocally() {
        return backend == null || "local".equals(backend);
    }

    public boolean succeeded() {
        return "SUCCEEDED".equals(status);
    }
}
