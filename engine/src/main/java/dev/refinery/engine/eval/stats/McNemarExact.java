package dev.refinery.engine.eval.stats;

import dev.refinery.engine.EngineException;

/**
 * McNemar's exact (conditional) test for a paired pass/fail comparison of two models on the same items.
 *
 * <p>Only the discordant items carry information: b items the baseline passes and the candidate fails, c items the
 * candidate passes and the baseline fails. Under the null hypothesis of equal pass rates each discordant item is equally
 * likely to go either way, so b ~ Binomial(b + c, 1/2), and the two-sided p-value is
 * <pre>  p = min(1, 2 · P(X ≤ min(b, c))),  X ~ Binomial(b + c, 1/2)</pre>
 * which equals R's {@code binom.test(min(b, c), b + c)$p.value} (the distribution is symmetric, so doubling the smaller
 * tail is the same as summing the outcomes no likelier than the one observed) and the "exact conditional" McNemar test
 * of Fagerland, Lydersen and Laake (BMC Med Res Methodol 13:91, 2013). With no discordant item, p = 1.
 *
 * <p>The tail is computed in log space: log C(n, k) − n·log 2 for the largest term, then the ratio of each smaller term
 * to the next, C(n, i−1) / C(n, i) = i / (n − i + 1), summed from the largest down, so millions of pairs neither
 * overflow nor underflow; {@link Result#logPValue()} keeps p-values below the smallest double.
 */
public final class McNemarExact {

    private McNemarExact() {
    }

    /**
     * The test's outcome.
     *
     * @param baselineOnly  b: items only the baseline passes
     * @param candidateOnly c: items only the candidate passes
     * @param pValue        two-sided exact p-value (0 when it is below the smallest double; see logPValue)
     * @param logPValue     natural log of the p-value
     */
    public record Result(long baselineOnly, long candidateOnly, double pValue, double logPValue) {

        /** b + c. */
        public long discordant() {
            return baselineOnly + candidateOnly;
        }
    }

    /** The test from the discordant counts b and c. */
    public static Result test(long b, long c) {
        if (b < 0 || c < 0) {
            throw new EngineException.InvalidArgument("discordant counts must not be negative: b=" + b + ", c=" + c);
        }
        long n = b + c;
        long k = Math.min(b, c);
        if (n == 0 || 2 * k == n) {
            return new Result(b, c, 1.0, 0.0);
        }
        double logP = Math.min(0.0, Math.log(2) + logLowerTailHalf(k, n));
        return new Result(b, c, Math.exp(logP), logP);
    }

    /**
     * The test from per-item pass/fail scores of two models on the same items (each score 0 or 1, same order).
     */
    public static Result test(double[] baseline, double[] candidate) {
        if (baseline.length != candidate.length) {
            throw new EngineException.InvalidArgument("paired scores differ in length: " + baseline.length + " vs " + candidate.length);
        }
        long b = 0;
        long c = 0;
        for (int i = 0; i < baseline.length; i++) {
            boolean bp = pass(baseline[i], i);
            boolean cp = pass(candidate[i], i);
            if (bp && !cp) {
                b++;
            } else if (cp && !bp) {
                c++;
            }
        }
        return test(b, c);
    }

    private static boolean pass(double score, int item) {
        if (score == 1) {
            return true;
        }
        if (score == 0) {
            return false;
        }
        throw new EngineException.InvalidArgument("McNemar's test needs pass/fail scores (0 or 1); item " + item + " has " + score);
    }

    /** log P(X ≤ k) for X ~ Binomial(n, 1/2), with k < n/2 (so the terms grow up to i = k). */
    static double logLowerTailHalf(long k, long n) {
        // log C(n, k) as the sum of log((n - i + 1) / i), i = 1..k, compensated (Kahan) so a million terms stay exact
        double logC = 0;
        double carry = 0;
        for (long i = 1; i <= k; i++) {
            double y = Math.log((double) (n - i + 1) / (double) i) - carry;
            double t = logC + y;
            carry = (t - logC) - y;
            logC = t;
        }
        double logTop = logC - n * Math.log(2);
        // sum of term(i) / term(k) for i = k, k-1, ..., 0; each ratio is term(i-1)/term(i) = i / (n - i + 1)
        double sum = 1;
        double ratio = 1;
        for (long i = k; i >= 1; i--) {
            ratio *= (double) i / (double) (n - i + 1);
            sum += ratio;
            if (ratio < 1e-18 * sum) {
                break;
            }
        }
        return logTop + Math.log(sum);
    }
}
