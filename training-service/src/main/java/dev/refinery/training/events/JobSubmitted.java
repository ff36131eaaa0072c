package dev.refinery.training.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Payload of {@code job-submitted} v1 (contracts/schemas/job-submitted.v1.json). training-service
 * produces it and its own worker consumes it.
 *
 * @param hyperparameters every effective hyperparameter of the job, by name (the user's and the defaults)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSubmitted(String jobId, String datasetId, String baseModel, String backend, Map<String, Object> hyperparameters,
                           OffsetDateTime submittedAt) {

    public static final String TOPIC = "job-submitted";
    public static final String TYPE = "refinery.job-submitted.v1";
}
