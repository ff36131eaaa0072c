package dev.refinery.training.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;

/** {@code pipeline-paused} v1 (contracts/schemas/pipeline-paused.v1.json): the alert of a pipeline that paused itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelinePaused(String tenant, String pipelineId, String pipelineName, String runId, String failureCode, String reason,
                             OffsetDateTime pausedAt) {

    public static final String TOPIC = "pipeline-paused";
    public static final int VERSION = 1;
}
