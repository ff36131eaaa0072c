package dev.refinery.engine.eval.stats;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinimumDetectableEffectTest {

    // Standard normal quantiles as tabulated (R: qnorm(0.975) = 1.959963984540054, qnorm(0.8) = 0.8416212335729143,
    // qnorm(0.995) = 2.575829303548901).
    private static final double Z975 = 1.959963984540054;
    private static final double Z80 = 0.8416212335729143;

    @Test
    void normalQuantilesMatchTheTables() {
        assertEquals(Z975, Normal.quantile(0.975), 1e-12);
        assertEquals(Z80, Normal.quantile(0.8), 1e-12);
        assertEquals(2.575829303548901, Normal.quantile(0.995), 1e-12);
        assertEquals(-Z975, Normal.quantile(0.025), 1e-12);
        assertEquals(0.0, Normal.quantile(0.5), 1e-15);
        assertEquals(0.975, Normal.cdf(Z975), 1e-14);
    }

    @Test
    void pairedMeanIsTheTextbookFormula() {
        // (z_0.975 + z_0.8) * sd / sqrt(n) with sd = 1, n = 100
        assertEquals((Z975 + Z80) / 10, MinimumDetectableEffect.pairedMean(1.0, 100, 0.05, 0.8), 1e-12);
        // the rule of thumb n = 7.85 sd^2 / delta^2 (alpha .05 two-sided, power .8): n = 785 detects delta = 0.1 sd
        assertEquals(0.1, MinimumDetectableEffect.pairedMean(1.0, 785, 0.05, 0.8), 1e-4);
        // from items: differences {+1, -1, +1, -1} have sample sd sqrt(4/3)
        double[] base = {0, 1, 0, 1};
        double[] cand = {1, 0, 1, 0};
        assertEquals((Z975 + Z80) * Math.sqrt(4.0 / 3) / 2, MinimumDetectableEffect.pairedMean(base, cand, 0.05, 0.8), 1e-12);
    }

    @Test
    void pairedProportionSolvesConnorsSampleSize() {
        // The delta it returns needs exactly the given n by Connor's formula, and it lies below the simple
        // approximation (z_a + z_b) sqrt(psi / n), since sqrt(psi - delta^2) < sqrt(psi).
        double psi = 0.2;
        int n = 500;
        double mde = MinimumDetectableEffect.pairedProportion(psi, n, 0.05, 0.8);
        assertEquals(n, MinimumDetectableEffect.connorSampleSize(mde, psi, 0.05, 0.8), 1e-6);
        double simple = (Z975 + Z80) * Math.sqrt(psi / n);
        assertTrue(mde < simple && mde > 0.95 * simple, mde + " vs " + simple);
        // with many items the two agree
        double big = MinimumDetectableEffect.pairedProportion(psi, 1_000_000, 0.05, 0.8);
        assertEquals((Z975 + Z80) * Math.sqrt(psi / 1_000_000), big, 1e-5 * big);
    }

    @Test
    void tooFewItemsToDetectAnythingGivesNaN() {
        // psi = 0.01 and 5 items: even every discordant item going one way (delta = 0.01) is not detectable
        assertTrue(Double.isNaN(MinimumDetectableEffect.pairedProportion(0.01, 5, 0.05, 0.8)));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(EngineException.InvalidArgument.class, () -> MinimumDetectableEffect.pairedMean(1, 0, 0.05, 0.8));
        assertThrows(EngineException.InvalidArgument.class, () -> MinimumDetectableEffect.pairedMean(1, 10, 1.5, 0.8));
        assertThrows(EngineException.InvalidArgument.class, () -> MinimumDetectableEffect.pairedProportion(0, 10, 0.05, 0.8));
        assertThrows(EngineException.InvalidArgument.class, () -> Normal.quantile(1.0));
    }
}
