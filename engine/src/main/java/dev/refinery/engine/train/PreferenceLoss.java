package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;

/**
 * The preference objective of a DPO run, after Together's {@code training_method: dpo} settings (the engine's defaults
 * are Together's): beta 0.1, no NLL term, no SimPO margin.
 *
 * <p>For a pair with summed response log-probabilities {@code pc}, {@code pr} under the policy and {@code rc},
 * {@code rr} under the reference (the model as it was when the run started), and response lengths {@code lc},
 * {@code lr} in tokens, the implicit-reward margin {@code h} is:
 * <ul>
 *   <li>STANDARD: {@code beta * ((pc - rc) - (pr - rr))}, as in the DPO paper;</li>
 *   <li>LENGTH_NORMALIZED: {@code beta * ((pc - rc) / lc - (pr - rr) / lr)} (Together's
 *       {@code dpo_normalize_logratios_by_length});</li>
 *   <li>SIMPO: {@code beta * (pc / lc - pr / lr) - gamma}, reference-free.</li>
 * </ul>
 * The pair's loss is {@code -log sigmoid(h)}, plus {@code nllWeight * (-pc / lc)} when the NLL weight (Together's
 * {@code rpo_alpha}) is positive: DPO+NLL.
 *
 * @param variant    how the margin is formed
 * @param beta       scale of the margin, > 0
 * @param nllWeight  weight of the chosen answer's per-token NLL, >= 0
 * @param simpoGamma SimPO's target margin, >= 0 (SIMPO only)
 */
public record PreferenceLoss(Variant variant, float beta, float nllWeight, float simpoGamma) {

    /** How the margin between the chosen and the rejected answer is formed. */
    public enum Variant { STANDARD, LENGTH_NORMALIZED, SIMPO }

    public PreferenceLoss {
        if (variant == null) {
            throw new EngineException.InvalidArgument("a preference loss needs a variant (standard, length_normalized or simpo)");
        }
        if (!(beta > 0) || !Float.isFinite(beta)) {
            throw new EngineException.InvalidArgument("DPO beta must be a positive number, got " + beta);
        }
        if (!(nllWeight >= 0) || !Float.isFinite(nllWeight)) {
            throw new EngineException.InvalidArgument("DPO NLL weight must be 0 or more, got " + nllWeight);
        }
        if (!(simpoGamma >= 0) || !Float.isFinite(simpoGamma)) {
            throw new EngineException.InvalidArgument("SimPO gamma must be 0 or more, got " + simpoGamma);
        }
        if (simpoGamma > 0 && variant != Variant.SIMPO) {
            throw new EngineException.InvalidArgument("SimPO gamma applies to the simpo variant only, not " + variant.name().toLowerCase());
        }
    }

    /** Standard DPO with beta 0.1. */
    public static PreferenceLoss defaults() {
        return new PreferenceLoss(Variant.STANDARD, 0.1f, 0f, 0f);
    }

    /** Whether the loss compares against a reference model (every variant but SimPO). */
    public boolean needsReference() {
        return variant != Variant.SIMPO;
    }

    /**
     * The loss of one pair and its derivatives with respect to each answer's summed NLL (= minus its summed
     * log-probability), which is all the backward pass needs.
     */
    Terms pair(double pc, double pr, double rc, double rr, int lc, int lr) {
        double kc = variant == Variant.STANDARD ? 1 : 1.0 / lc;
        double kr = variant == Variant.STANDARD ? 1 : 1.0 / lr;
        double refC = needsReference() ? rc : 0;
        double refR = needsReference() ? rr : 0;
        double reward = beta * (kc * (pc - refC) - kr * (pr - refR));
        double h = variant == Variant.SIMPO ? reward - simpoGamma : reward;
        double loss = softplus(-h) + (nllWeight > 0 ? nllWeight * -pc / lc : 0);
        // d(-log sigmoid(h))/dh = -sigmoid(-h); d h / d pc = beta kc and pc = -NLLc, so the chosen answer's NLL
        // gets weight sigmoid(-h) beta kc (pulled up) and the rejected one's -sigmoid(-h) beta kr (pushed down).
        double s = sigmoid(-h);
        double chosenWeight = s * beta * kc + (nllWeight > 0 ? nllWeight / lc : 0);
        double rejectedWeight = -s * beta * kr;
        return new Terms(loss, chosenWeight, rejectedWeight, reward, h > 0);
    }

    private static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /**
     * @param loss           the pair's loss
     * @param chosenWeight   d loss / d NLL(chosen)
     * @param rejectedWeight d loss / d NLL(rejected)
     * @param rewardMargin   the implicit reward of the chosen answer minus the rejected one's
     * @param preferred      whether the margin (less SimPO's gamma) is positive: the model prefers the chosen answer
     */
    record Terms(double loss, double chosenWeight, double rejectedWeight, double rewardMargin, boolean preferred) {
    }
}
