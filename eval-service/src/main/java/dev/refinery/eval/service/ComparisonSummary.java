package dev.refinery.eval.service;

import dev.refinery.eval.repository.Verdict;

import java.util.List;

/**
 * The outcome of a held-out comparison, as the service keeps and announces it.
 *
 * @param baselineLoss            held-out mean negative log-likelihood per reference token, baseline
 * @param candidateLoss           the same for the candidate
 * @param ciLow                   lower bound of the paired bootstrap interval of candidate - baseline
 * @param ciHigh                  upper bound
 * @param confidence              level of that interval (0.95)
 * @param lossDifferenceHigh      upper bound of the paired bootstrap interval of the per-item held-out loss, candidate -
 *                                baseline: the guard's figure (null when the items carry no loss)
 * @param champion                the same candidate against the project's champion, when it has one
 * @param metrics                 every metric of the evaluation, the primary first (its figures are the ones above)
 * @param forgetting              the forgetting guard's figures; null when the base model has no general-ability set
 */
public record ComparisonSummary(String metric, int items, String baselineModel, String candidateModel, double baselineMean,
                                double candidateMean, Double baselineLoss, Double candidateLoss, double differenceMean,
                                double ciLow, double ciHigh, double confidence, Verdict verdict, Double lossDifferenceHigh,
                                Against champion, List<MetricResult> metrics, ForgettingCheck forgetting) {

    /** The primary metric's row of the table. */
    public MetricResult primary() {
        return metrics.get(0);
    }

    /**
     * The candidate against another model on the same items.
     *
     * @param model the other model's name
     */
    public record Against(String model, double mean, Double loss, double differenceMean, double ciLow, double ciHigh) {
    }
}
