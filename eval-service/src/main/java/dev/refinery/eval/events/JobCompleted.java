package dev.refinery.eval.events;

import dev.refinery.identity.Tenants;

/**
 * What eval-service reads of {@code job-completed} v1 and v2 (contracts/schemas/job-completed.v1.json and .v2.json); unknown
 * fields are ignored. v1 names a succeeded job's adapter by {@code bucket} + {@code adapterKey}; v2 by {@code artifact}
 * (a LoRA adapter or a whole model in a bucket, or a model its provider keeps). Either may carry the job's {@code tenant}.
 */
public record JobCompleted(String tenant, String jobId, String datasetId, String baseModel, String status, String backend, String bucket,
                           String adapterKey, Artifact artifact, Evaluation evaluation) {

    public static final String TOPIC = "job-completed";
    public static final String TYPE_V1 = "refinery.job-completed.v1";
    public static final String TYPE_V2 = "refinery.job-completed.v2";

    /**
     * v2, optional: how the job's request asked for its model to be evaluated; null fields take the defaults (the project's
     * policy metric, this service's item limit, the job's dataset's test split).
     */
    public record Evaluation(Boolean enabled, String metric, java.util.List<String> metrics, Integer maxItems, String datasetId,
                             Boolean promote) {

        public boolean evaluates() {
            return enabled == null || enabled;
        }
    }

    /** v2: what a SUCCEEDED job produced; {@code bucket} + {@code key} when it is in object storage, else {@code providerModel}. */
    public record Artifact(String type, String bucket, String key, String providerModel) {
    }

    /** The tenant that owns the job, and so its evaluation. */
    public String owner() {
        return Tenants.ofEvent(tenant);
    }

    public boolean succeeded() {
        return "SUCCEEDED".equals(status);
    }
}
