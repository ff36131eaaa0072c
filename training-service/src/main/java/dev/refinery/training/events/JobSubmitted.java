package dev.refinery.training.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Payload of {@code job-submitted} v1 (contracts/schemas/job-submitted.v1.json): a job was accepted. training-service
 * produces it for others (the gateway's live events); it does not consume it itself: the job's work lease, written in the
 * same transaction, is what starts the work (docs/providers.md, "One pipeline").
 *
 * @param hyperparameters every effective hyperparameter of the job, by name (the user's and the defaults)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSubmitted(String tenant, String jobId, String datasetId, String baseModel, String backend, Map<String, Object> hyperparameters,
                           OffsetDateTime submittedAt) {

    public static final String TOPIC = "job-submitted";
    public static final String TYPE = "refinery.job-submitted.v1";
}
