package dev.refinery.training.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;

/** {@code pipeline-run-finished} v1 (contracts/schemas/pipeline-run-finished.v1.json): a pipeline's run ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineRunFinished(String tenant, String pipelineId, String pipelineName, String runId, String collectionId, String trigger,
                                  String datasetId, String status, int attempts, String jobId, String fromJobId, String sftJobId,
                                  String preferenceDatasetId, String evalId,
                                  String modelVersionId, String outcome, String decision, List<String> reasons, String metric,
                                  Double candidateScore, Double baselineScore, Double championScore, String failureCode,
                                  String failureReason, OffsetDateTime startedAt, OffsetDateTime finishedAt, Shadow shadow) {

    /** A run's shadow phase, once it ended: the judged pairs and the challenger's win rate (absent when none was judged). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Shadow(String alias, int wins, int losses, int ties, int unclear, Double winRate) {
    }

    public static final String TOPIC = "pipeline-run-finished";
    public static final int VERSION = 1;
}
