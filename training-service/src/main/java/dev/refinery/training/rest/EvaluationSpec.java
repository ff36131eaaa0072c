package dev.refinery.training.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * How eval-service evaluates a job's model when the job ends (against its base model and the project's champion, then the
 * promotion policy). Every field is optional: without one, the project's policy metric on the job's dataset's test split.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationSpec(
        @Schema(description = "false: the model is registered but not evaluated (and so never promoted on its own); default true")
        Boolean enabled,
        @Schema(description = "the metric the policy decides on, instead of the policy's own: a text metric (opening_match, exact_match, "
                + "token_f1, rouge_l, bleu, json_valid, json_match) or a grader of the project as grader:<name>", example = "json_valid")
        String metric,
        @Schema(description = "more metrics scored beside it, to read, not to decide on", example = "[\"token_f1\"]") List<String> metrics,
        @Schema(description = "at most this many test items (eval-service's own limit applies too)", example = "200") Integer maxItems,
        @Schema(description = "whose test split to score on, instead of the job's dataset (e.g. a chat dataset's frozen test set for a "
                + "DPO job on preference pairs); a VALID dataset of the project") String datasetId,
        @Schema(description = "false: a model that passes the policy is not promoted on its own (decision PASSED_AWAITING_PROMOTION; "
                + "promote it by hand); default: as the project's policy says") Boolean promote) {

    /**
     * Whether this changes what the project's promotion policy decides on (its metric, or the items it scores): the
     * policy is an admin's to set, so only an admin key may ask for this.
     */
    public boolean overridesPolicy() {
        return metric != null || datasetId != null;
    }

    /** Whether the model is to be evaluated at all. */
    public boolean evaluates() {
        return enabled == null || enabled;
    }
}
