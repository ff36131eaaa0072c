package dev.refinery.eval.service;

import dev.refinery.eval.repository.Verdict;

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
 * @param minimumDetectableEffect the smallest difference of the metric this many items detect (5% two-sided, 80% power,
 *                                from the observed spread of the differences); null with fewer than 2 items
 * @param mcNemarPValue           exact McNemar p-value of a pass/fail metric; null for a graded one
 * @param champion                the same candidate against the project's champion, when it has one
 */
public record ComparisonSummary(String metric, int items, String baselineModel, String candidateModel, double baselineMean,
                                double candidateMean, double baselineLoss, double candidateLoss, double differenceMean,
                                double ciLow, double ciHigh, double confidence, Verdict verdict, Double lossDifferenceHigh,
                                Double minimumDetectableEffect, Double mcNemarPValue, Against champion) {

    /**
     * The candidate against another model on the same items.
     *
     * @param model the other model's name
     */
    public record Against(String model, double mean, double loss, double differenceMean, double ciLow, double ciHigh) {
    }
}
