package dev.refinery.eval.service;

import dev.refinery.eval.repository.Verdict;

/**
 * The outcome of a held-out comparison, as the service keeps and announces it.
 *
 * @param baselineLoss  held-out mean negative log-likelihood per reference token, base model
 * @param candidateLoss the same for the candidate
 * @param ciLow         lower bound of the paired bootstrap interval of candidate - baseline
 * @param ciHigh        upper bound
 * @param confidence    level of that interval (0.95)
 */
public record ComparisonSummary(String metric, int items, String baselineModel, String candidateModel, double baselineMean,
                                double candidateMean, double baselineLoss, double candidateLoss, double differenceMean,
                                double ciLow, double ciHigh, double confidence, Verdict verdict) {
}
