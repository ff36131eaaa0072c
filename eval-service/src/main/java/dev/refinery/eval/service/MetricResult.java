package dev.refinery.eval.service;

/**
 * One metric of an evaluation: both models' means and the candidate's difference from the baseline with its 95% paired
 * bootstrap interval, what this test set can detect, McNemar's exact p for a pass/fail metric, and the candidate against
 * the champion when there was one.
 *
 * @param minimumDetectableEffect null with fewer than 2 items
 * @param mcNemarPValue           null for a graded metric
 * @param champion                null when there was no champion to compare with
 */
public record MetricResult(String metric, double baselineMean, double candidateMean, double differenceMean, double ciLow, double ciHigh,
                           Double minimumDetectableEffect, Double mcNemarPValue, ChampionDelta champion) {

    /** The champion's mean and the candidate's difference from it. */
    public record ChampionDelta(double mean, double differenceMean, double ciLow, double ciHigh) {
    }
}
