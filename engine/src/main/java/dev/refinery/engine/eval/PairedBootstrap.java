package dev.refinery.engine.eval;

import dev.refinery.engine.EngineException;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap of the mean per-item difference between two models scored on the same items.
 * Pairing matters: both models answer the same prompts, so resampling items (not models) keeps the
 * per-item correlation and gives a much tighter interval than comparing two independent means.
 */
public final class PairedBootstrap {

    private PairedBootstrap() {
    }

    /**
     * The mean of candidate - baseline and its confidence interval.
     *
     * @param baseline   per-item scores of the reference model
     * @param candidate  per-item scores of the model under test, same items in the same order
     * @param confidence e.g. 0.95
     * @param resamples  bootstrap resamples, e.g. 10,000
     * @param seed       makes the interval reproducible
     */
    public static Interval meanDifference(double[] baseline, double[] candidate, double confidence, int resamples, long seed) {
        if (baseline.length != candidate.length) {
            throw new EngineException.InvalidArgument("paired scores differ in length: " + baseline.length + " vs " + candidate.length);
        }
        if (baseline.length == 0) {
            throw new EngineException.InvalidArgument("no items to compare");
        }
        if (!(confidence > 0 && confidence < 1) || resamples < 100) {
            throw new EngineException.InvalidArgument("confidence must be in (0, 1) and resamples >= 100");
        }
        int n = baseline.length;
        double[] diff = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = candidate[i] - baseline[i];
            mean += diff[i];
        }
        mean /= n;
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += diff[rnd.nextInt(n)];
            }
            means[b] = s / n;
        }
        Arrays.sort(means);
        double alpha = (1 - confidence) / 2;
        double low = means[(int) Math.floor(alpha * (resamples - 1))];
        double high = means[(int) Math.ceil((1 - alpha) * (resamples - 1))];
        return new Interval(mean, low, high, confidence, n);
    }

    /**
     * A mean difference with its interval.
     *
     * @param mean       observed mean of candidate - baseline
     * @param low        lower bound
     * @param high       upper bound
     * @param confidence level of the interval
     * @param items      number of paired items
     */
    public record Interval(double mean, double low, double high, double confidence, int items) {

        /** True when the whole interval lies above zero: the candidate is better beyond chance. */
        public boolean excludesZeroFromAbove() {
            return low > 0;
        }

        /** True when the whole interval lies below zero: the candidate is worse beyond chance. */
        public boolean excludesZeroFromBelow() {
            return high < 0;
        }
    }
}
