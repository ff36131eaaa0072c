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
}
