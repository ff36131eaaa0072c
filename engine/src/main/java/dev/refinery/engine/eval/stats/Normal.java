package dev.refinery.engine.eval.stats;

import dev.refinery.engine.EngineException;

/**
 * The standard normal distribution's CDF and quantile, to about 1e-15, without a statistics library.
 *
 * <p>The CDF uses the Taylor series Φ(x) = 1/2 + φ(x) · Σ x^(2k+1) / (1·3·…·(2k+1)) for |x| ≤ 5 and Laplace's
 * continued fraction for the tail beyond; the quantile inverts it by bisection (the CDF is monotone, so 200 halvings
 * of [-40, 40] reach the last bit).
 */
public final class Normal {

    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private Normal() {
    }

    /** The density φ(x). */
    public static double pdf(double x) {
        return Math.exp(-0.5 * x * x - LOG_SQRT_2PI);
    }

    /** Φ(x) = P(Z ≤ x). */
    public static double cdf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x < -5) {
            return lowerTail(-x);
        }
        if (x > 5) {
            return 1 - lowerTail(x);
        }
        double term = x;
        double sum = x;
        double x2 = x * x;
        for (int k = 1; k < 500; k++) {
            term *= x2 / (2 * k + 1);
            sum += term;
            if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return 0.5 + pdf(x) * sum;
    }

    /** P(Z ≥ t) for t &gt; 5, by the continued fraction φ(t) / (t + 1/(t + 2/(t + 3/(t + …)))). */
    private static double lowerTail(double t) {
        double f = t;
        for (int k = 60; k >= 1; k--) {
            f = t + k / f;
        }
        return pdf(t) / f;
    }

    /** The p-quantile: the x with Φ(x) = p, for 0 &lt; p &lt; 1. */
    public static double quantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new EngineException.InvalidArgument("a normal quantile needs 0 < p < 1, got " + p);
        }
        if (p > 0.5) {
            return -quantile(1 - p);
        }
        double lo = -40;
        double hi = 0;
        for (int i = 0; i < 200 && lo < hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) {
                break;
            }
            if (cdf(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }
}
