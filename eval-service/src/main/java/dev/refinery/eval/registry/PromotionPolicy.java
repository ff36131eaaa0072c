package dev.refinery.eval.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;

/**
 * What a project asks of a candidate before promoting it.
 *
 * @param metric      the primary metric, the one evaluations of this project score (a preference test set is always scored
 *                    on preference accuracy)
 * @param margin      the primary metric's lower 95% bound must lie above this against the baseline and against the champion
 * @param lossMargin  the guard: the upper 95% bound of the candidate's held-out loss minus the baseline's (nats per token,
 *                    mean over items) may not exceed this; a candidate that breaks it has {@code REGRESSED}, whatever its metric
 * @param forgettingMargin the forgetting guard, on the base model's general-ability set: the lower bound of the change of
 *                    the continuations' ROUGE-L (how the candidate still goes on from each text's first sentence) may not
 *                    fall below minus this
 * @param forgettingLossMargin the same set's loss: the upper bound of its rise (nats per token) may not exceed this; null:
 *                    the rise is reported, not gated (a chat fine-tune always shifts a base model's plain-text loss; README)
 * @param alias       the alias a passing candidate is promoted to
 * @param autoPromote whether a passing candidate of a finished job is promoted without a person
 * @param guards      other metrics the candidate may not lose more than their margin on (non-inferiority against the baseline)
 */
public record PromotionPolicy(String metric, double margin, double lossMargin, double forgettingMargin, Double forgettingLossMargin,
                              String alias, boolean autoPromote, List<Guard> guards) {

    public static final String CHAMPION = "champion";
    /** Default guard: the candidate may lose at most this much held-out loss (nats per token) against the baseline. */
    public static final double DEFAULT_LOSS_MARGIN = 0.1;
    /** Default forgetting guard margin: ROUGE-L of the continuations of the general-ability texts. */
    public static final double DEFAULT_FORGETTING_MARGIN = 0.1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public PromotionPolicy {
        guards = guards == null ? List.of() : List.copyOf(guards);
    }

    public static PromotionPolicy defaults(String metric) {
        return new PromotionPolicy(metric, 0.0, DEFAULT_LOSS_MARGIN, DEFAULT_FORGETTING_MARGIN, null, CHAMPION, true, List.of());
    }

    /**
     * A change of a policy: a null field keeps its value; {@code guards} empty removes every guard, and
     * {@code clearsForgettingLossMargin} stops gating on the general-ability loss.
     */
    public record Change(String metric, Double margin, Double lossMargin, Double forgettingMargin, Double forgettingLossMargin,
                         boolean clearsForgettingLossMargin, String alias, Boolean autoPromote, List<Guard> guards) {
    }

    /** The guards' metric names. */
    public List<String> guardMetrics() {
        return guards.stream().map(Guard::metric).toList();
    }

    /**
     * A guard metric: the lower 95% bound of candidate - baseline on it may not lie below {@code -margin}.
     *
     * @param margin how much of the metric (in [0, 1]) the candidate may lose
     */
    public record Guard(String metric, double margin) {

        /** The guards as stored (a JSON array); none for null. */
        public static List<Guard> fromJson(String json) {
            if (json == null || json.isBlank()) {
                return List.of();
            }
            try {
                return JSON.readValue(json, new TypeReference<List<Guard>>() { });
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored guards are not a JSON array of {metric, margin}: " + json, e);
            }
        }

        public static String toJson(List<Guard> guards) {
            try {
                return guards.isEmpty() ? null : JSON.writeValueAsString(guards);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
