package dev.refinery.eval.registry;

/**
 * What a project asks of a candidate before promoting it.
 *
 * @param metric      the primary metric, the one evaluations of this project score (a preference test set is always scored
 *                    on preference accuracy)
 * @param margin      the primary metric's lower 95% bound must lie above this against the baseline and against the champion
 * @param lossMargin  the guard: the upper 95% bound of the candidate's held-out loss minus the baseline's (nats per token,
 *                    mean over items) may not exceed this; a candidate that breaks it has {@code REGRESSED}, whatever its metric
 * @param alias       the alias a passing candidate is promoted to
 * @param autoPromote whether a passing candidate of a finished job is promoted without a person
 */
public record PromotionPolicy(String metric, double margin, double lossMargin, String alias, boolean autoPromote) {

    public static final String CHAMPION = "champion";
    /** Default guard: the candidate may lose at most this much held-out loss (nats per token) against the baseline. */
    public static final double DEFAULT_LOSS_MARGIN = 0.1;

    public static PromotionPolicy defaults(String metric) {
        return new PromotionPolicy(metric, 0.0, DEFAULT_LOSS_MARGIN, CHAMPION, true);
    }
}
