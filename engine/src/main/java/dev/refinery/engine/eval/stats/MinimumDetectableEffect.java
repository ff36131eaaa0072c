package dev.refinery.engine.eval.stats;

import dev.refinery.engine.EngineException;

/**
 * The minimum detectable effect (MDE) of a paired comparison at a test set's size: the smallest true difference that a
 * two-sided test at level alpha would detect with the given power. Shown beside a result, it says whether "no
 * significant change" means "no change" or "a test set too small to tell".
 *
 * <p><b>Paired mean difference</b> (any per-item score; normal approximation of the paired test):
 * <pre>  MDE = (z_{1−α/2} + z_{power}) · sd_diff / √n</pre>
 * where sd_diff is the standard deviation of the per-item differences (candidate − baseline). At α = 0.05 and power 0.8
 * the constant (1.95996 + 0.84162)² ≈ 7.85 is the familiar "n ≈ 7.85 σ²/δ²" of one-sample and paired designs (Lehr's
 * "sixteen over delta squared" is the two-sample version, twice this).
 *
 * <p><b>Paired proportions</b> (pass/fail, tested with McNemar's test): with ψ the share of discordant items and δ the
 * difference in pass rates, the normal-approximation sample size of Connor (1987, Biometrics 43:207–211) is
 * <pre>  n = (z_{1−α/2} · √ψ + z_{power} · √(ψ − δ²))² / δ²</pre>
 * and the MDE is the δ in (0, ψ] that solves it for the given n, found by bisection. For δ small beside ψ it is close
 * to (z_{1−α/2} + z_{power}) · √(ψ / n), which is the paired-mean formula with sd_diff = √ψ. When even δ = ψ (every
 * discordant item going the candidate's way) is not detectable, the result is NaN.
 */
public final class MinimumDetectableEffect {

    private MinimumDetectableEffect() {
    }

    /** MDE of a paired mean difference given the standard deviation of the differences. */
    public static double pairedMean(double sdDiff, int n, double alpha, double power) {
        check(n, alpha, power);
        if (!(sdDiff >= 0)) {
            throw new EngineException.InvalidArgument("the standard deviation must be >= 0, got " + sdDiff);
        }
        return zSum(alpha, power) * sdDiff / Math.sqrt(n);
    }

    /** MDE of a paired mean difference, sd_diff estimated from the items (sample standard deviation, n − 1). */
    public static double pairedMean(double[] baseline, double[] candidate, double alpha, double power) {
        if (baseline.length != candidate.length) {
            throw new EngineException.InvalidArgument("paired scores differ in length: " + baseline.length + " vs " + candidate.length);
        }
        int n = baseline.length;
        if (n < 2) {
            throw new EngineException.InvalidArgument("an MDE needs at least 2 paired items, got " + n);
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += candidate[i] - baseline[i];
        }
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = candidate[i] - baseline[i] - mean;
            ss += d * d;
        }
        return pairedMean(Math.sqrt(ss / (n - 1)), n, alpha, power);
    }

    /**
     * MDE of a difference in paired pass rates (Connor 1987, see the class comment).
     *
     * @param discordanceRate ψ, the expected share of items on which the two models disagree, in (0, 1]
     * @param n               paired items
     */
    public static double pairedProportion(double discordanceRate, int n, double alpha, double power) {
        check(n, alpha, power);
        if (!(discordanceRate > 0 && discordanceRate <= 1)) {
            throw new EngineException.InvalidArgument("the discordance rate must be in (0, 1], got " + discordanceRate);
        }
        double psi = discordanceRate;
        double za = Normal.quantile(1 - alpha / 2);
        double zb = Normal.quantile(power);
        if (connorGap(psi, psi, n, za, zb) < 0) {
            return Double.NaN;
        }
        double lo = 0;
        double hi = psi;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) {
                break;
            }
            if (connorGap(mid, psi, n, za, zb) < 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Connor's sample size for a paired-proportion difference δ at discordance ψ (not rounded up). */
    public static double connorSampleSize(double delta, double discordanceRate, double alpha, double power) {
        double za = Normal.quantile(1 - alpha / 2);
        double zb = Normal.quantile(power);
        double root = za * Math.sqrt(discordanceRate) + zb * Math.sqrt(discordanceRate - delta * delta);
        return root * root / (delta * delta);
    }

    /** δ·√n − (z_a·√ψ + z_b·√(ψ − δ²)): negative while δ is too small to detect; increasing in δ when z_b ≥ 0. */
    private static double connorGap(double delta, double psi, int n, double za, double zb) {
        return delta * Math.sqrt(n) - (za * Math.sqrt(psi) + zb * Math.sqrt(Math.max(0, psi - delta * delta)));
    }

    private static double zSum(double alpha, double power) {
        return Normal.quantile(1 - alpha / 2) + Normal.quantile(power);
    }

    private static void check(int n, double alpha, double power) {
        if (n < 1) {
            throw new EngineException.InvalidArgument("an MDE needs at least one paired item, got " + n);
        }
        if (!(alpha > 0 && alpha < 1) || !(power >= 0.5 && power < 1)) {
            throw new EngineException.InvalidArgument("alpha must be in (0, 1) and power in [0.5, 1), got alpha=" + alpha + ", power=" + power);
        }
    }
}
