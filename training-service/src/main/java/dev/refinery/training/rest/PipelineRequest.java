package dev.refinery.training.rest;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;

/** {@code POST /pipelines}: a continuous fine-tuning pipeline on a collection. */
public record PipelineRequest(
        @Schema(description = "unique in the project: letters, digits, '.', '_' or '-', 1 to 100", example = "named-stories") String name,
        @Schema(description = "the collection whose sealed versions it trains on") String collectionId,
        @Schema(description = "the job to train on each version") PipelineTemplate template,
        @Schema(description = "champion (default): a run starts from the job of the pipeline's last promoted run (the base model "
                + "until there is one), so learning carries over versions, which hold only the examples since the one before; base: "
                + "every run starts from the base model", example = "champion") String continueFrom,
        @Schema(description = "jobs a run may start before it fails and pauses the pipeline, 1 to 5; default 2", example = "2")
        Integer maxAttempts,
        @Schema(description = "what the pipeline's jobs may cost per period; none: no cap of its own") Budget budget,
        @Schema(description = "what starts runs besides a person; default: every VALID version") Trigger trigger,
        @Schema(description = "a DPO stage after the template's SFT job, on a collection of preference pairs; none: one stage")
        DpoStage dpoStage,
        @Schema(description = "a shadow phase before each promotion: a share of the champion's live chat requests answered by the "
                + "challenger too and judged; none: promoted on the evaluation alone") Shadow shadow) {

    /**
     * The shadow phase: a challenger that passes the evaluation answers {@code share} of the live chat requests to the
     * project's champion alias too (never returned to callers); {@code judge} compares each pair of answers, asked both
     * ways; after {@code pairs} judged pairs the challenger is promoted when its win rate over the decisive pairs (wins / (wins + losses); a tie decides nothing) is at least
     * {@code minWinRate}. Fewer pairs judged within {@code within}: not promoted.
     */
    public record Shadow(@Schema(description = "(0, 1]", example = "0.1") Double share,
                         @Schema(description = "judged pairs that decide, 1 to 10000; default 50", example = "50") Integer pairs,
                         @Schema(description = "0 to 1, over the decisive pairs; default 0.5 (wins at least as often as it loses)", example = "0.55") Double minWinRate,
                         @Schema(description = "ISO-8601, PT5S to P30D; default P1D", example = "PT12H") String within,
                         @Schema(description = "the model that judges, as a chat request names it",
                                 example = "together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo") String judge) {
    }

    /**
     * What starts runs: {@code version} (every VALID version), {@code schedule} (every {@code every}, on the newest version
     * not trained yet) or {@code drift} (a new version first scores the champion; a run starts when it falls more than
     * {@code margin} below the score it was promoted on).
     */
    public record Trigger(@Schema(description = "version (default), schedule or drift", example = "drift") String on,
                          @Schema(description = "schedule: an ISO-8601 duration, PT5S to P366D", example = "P1D") String every,
                          @Schema(description = "drift: 0 to 1, in the policy metric's units", example = "0.05") Double margin) {
    }

    /** A DPO job after the SFT job of each run, from it, on the newest VALID version of a collection of preference pairs. */
    public record DpoStage(@Schema(description = "a collection of the project's, of preference pairs") String collectionId,
                           @Schema(description = "the DPO job's settings", example = "{\"dpoBeta\": 0.1}") JsonNode hyperparameters) {
    }

    /** A cap on the pipeline's spending per calendar period (UTC). */
    public record Budget(@Schema(example = "50") BigDecimal usd, @Schema(description = "day, week or month (default)") String period) {
    }
}
