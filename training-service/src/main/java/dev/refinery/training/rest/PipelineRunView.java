package dev.refinery.training.rest;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A run as the API shows it: which version, which job (the last attempt's), which evaluation, promoted or not and why, with
 * the policy's numbers (and the shadow phase's); or why it failed or was skipped.
 */
public record PipelineRunView(String id, String pipelineId, String trigger, String datasetId, String status, int attempts, String jobId,
                              String fromJobId, String sftJobId, String preferenceDatasetId, String evalId, String modelVersionId, String metric, Double candidateScore,
                              Double baselineScore, Double championScore, String outcome, String decision, List<String> reasons,
                              String failureCode, String failureReason, OffsetDateTime createdAt, OffsetDateTime startedAt,
                              OffsetDateTime finishedAt, Shadow shadow) {

    /**
     * The run's shadow phase, once it began: the alias whose live requests the challenger answers too, the trial's time, and
     * the pairs judged so far (final once the run ended) with the challenger's win rate over the decisive pairs (wins / (wins + losses)).
     */
    public record Shadow(String alias, OffsetDateTime startedAt, OffsetDateTime endsAt, Integer wins, Integer losses, Integer ties,
                         Integer unclear, Double winRate) {
    }
}
