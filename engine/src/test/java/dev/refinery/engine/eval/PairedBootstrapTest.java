package dev.refinery.engine.eval;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedBootstrapTest {

    @Test
    void aConsistentImprovementHasAnIntervalAboveZero() {
        double[] base = new double[50];
        double[] cand = new double[50];
        for (int i = 0; i < 50; i++) {
            base[i] = i % 5 == 0 ? 1 : 0;
            cand[i] = i % 5 == 4 ? 0 : 1;
        }
        PairedBootstrap.Interval ci = PairedBootstrap.meanDifference(base, cand, 0.95, 5000, 1);
        assertEquals(0.6, ci.mean(), 1e-12);
        assertTrue(ci.low() > 0.4 && ci.high() < 0.8, ci.toString());
        assertTrue(ci.excludesZeroFromAbove());
    }

    @Test
    void noDifferenceGivesAnIntervalAroundZero() {
        double[] base = new double[40];
        double[] cand = new double[40];
        for (int i = 0; i < 40; i++) {
            base[i] = i % 2;
            cand[i] = (i / 2) % 2;
        }
        PairedBootstrap.Interval ci = PairedBootstrap.meanDifference(base, cand, 0.95, 5000, 2);
        assertTrue(ci.low() < 0 && ci.high() > 0, ci.toString());
        assertFalse(ci.excludesZeroFromAbove());
        assertFalse(ci.excludesZeroFromBelow());
    }

    @Test
    void theSameSeedGivesTheSameInterval() {
        double[] a = {0, 1, 0, 1, 1, 0, 1};
        double[] b = {1, 1, 0, 1, 1, 1, 1};
        assertEquals(PairedBootstrap.meanDifference(a, b, 0.95, 1000, 9), PairedBootstrap.meanDifference(a, b, 0.95, 1000, 9));
    }

    @Test
    void mismatchedOrEmptyInputIsRefused() {
        assertThrows(EngineException.InvalidArgument.class, () -> PairedBootstrap.meanDifference(new double[2], new double[3], 0.95, 1000, 1));
        assertThrows(EngineException.InvalidArgument.class, () -> PairedBootstrap.meanDifference(new double[0], new double[0], 0.95, 1000, 1));
    }
    @Test
    void theIntervalOfALargeSampleIsTheNormalTheoryInterval() {
        // Textbook large-sample check (percentile bootstrap of a mean ~ mean +/- z_0.975 * s / sqrt(n), with the
        // plug-in s of the resampled population): 400 differences, 240 of +1 and 160 of -1 -> mean 0.2,
        // s = sqrt(1 - 0.2^2) = 0.9798, s / sqrt(400) = 0.04899, half-width 1.96 * 0.04899 = 0.0960.
        double[] base = new double[400];
        double[] cand = new double[400];
        for (int i = 0; i < 400; i++) {
            base[i] = i < 240 ? 0 : 1;
            cand[i] = i < 240 ? 1 : 0;
        }
        PairedBootstrap.Interval ci = PairedBootstrap.meanDifference(base, cand, 0.95, 20_000, 7);
        double half = 1.959963984540054 * Math.sqrt(1 - 0.04) / 20;
        assertEquals(0.2, ci.mean(), 1e-12);
        assertEquals(0.2 - half, ci.low(), 0.01);
        assertEquals(0.2 + half, ci.high(), 0.01);
    }

    @Test
    void identicalDifferencesGiveAPointInterval() {
        // Every resample of a constant has that constant as its mean.
        double[] base = {0, 0, 0, 0, 0};
        double[] cand = {0.25, 0.25, 0.25, 0.25, 0.25};
        PairedBootstrap.Interval ci = PairedBootstrap.meanDifference(base, cand, 0.95, 1000, 3);
        assertEquals(0.25, ci.low(), 1e-12);
        assertEquals(0.25, ci.high(), 1e-12);
    }
}
