package dev.refinery.engine.eval.stats;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class McNemarExactTest {

    @Test
    void theAirwayHyperResponsivenessExampleOfFagerlandEtAl() {
        // Fagerland, Lydersen, Laake, BMC Med Res Methodol 13:91 (2013), Table 1 (Bentur et al.: AHR before/after stem
        // cell transplantation, 21 children): discordant pairs 1 and 7; the paper's exact conditional p-value is 0.070.
        // By hand: n = 8, P(X <= 1) = (C(8,0) + C(8,1)) / 2^8 = 9/256, p = 2 * 9/256 = 18/256 = 0.0703125.
        McNemarExact.Result r = McNemarExact.test(1, 7);
        assertEquals(18.0 / 256, r.pValue(), 1e-15);
        assertEquals(0.070, r.pValue(), 5e-4);
        assertEquals(r.pValue(), McNemarExact.test(7, 1).pValue(), 0);
    }

    @Test
    void smallCasesByHand() {
        // b=0, c=5: 2 * 1/32 = 0.0625 (binom.test(0, 5) in R: 0.0625)
        assertEquals(0.0625, McNemarExact.test(0, 5).pValue(), 1e-15);
        // b=0, c=6: 2/64 = 0.03125 -- the fewest one-sided discordant pairs that clear 0.05
        assertEquals(0.03125, McNemarExact.test(0, 6).pValue(), 1e-15);
        // b=2, c=10: (1 + 12 + 66) / 4096 = 79/4096, doubled = 158/4096
        assertEquals(158.0 / 4096, McNemarExact.test(2, 10).pValue(), 1e-15);
        // b=3, c=4: 2 * (1 + 7 + 21 + 35)/128 = 1.0 exactly; b=c and no discordance give 1
        assertEquals(1.0, McNemarExact.test(3, 4).pValue(), 1e-15);
        assertEquals(1.0, McNemarExact.test(5, 5).pValue());
        assertEquals(1.0, McNemarExact.test(0, 0).pValue());
    }

    @Test
    void staysExactForLargeCounts() {
        // Closed forms: b=0 gives p = 2 / 2^n; b=1 gives p = 2 (1 + n) / 2^n.
        McNemarExact.Result allOneWay = McNemarExact.test(0, 1000);
        assertEquals(Math.scalb(1.0, -999), allOneWay.pValue(), Math.scalb(1.0, -999) * 1e-12);
        McNemarExact.Result oneBack = McNemarExact.test(1, 999);
        assertEquals(2 * 1001 * Math.scalb(1.0, -1000), oneBack.pValue(), 2 * 1001 * Math.scalb(1.0, -1000) * 1e-12);
        // below the smallest double the p-value is 0 but its log is kept: log(2 / 2^5000) = -4999 log 2
        McNemarExact.Result tiny = McNemarExact.test(0, 5000);
        assertEquals(0.0, tiny.pValue());
        assertEquals(-4999 * Math.log(2), tiny.logPValue(), 1e-9);
        // near the middle of a million pairs: n = 2k+1 gives P(X <= k) = 1/2 exactly, so p = 1
        assertEquals(1.0, McNemarExact.test(500_000, 500_001).pValue(), 1e-9);
    }

    @Test
    void countsComeFromPairedPassFailScores() {
        double[] base = {1, 1, 0, 0, 0, 0, 0, 0, 1, 0};
        double[] cand = {1, 0, 1, 1, 1, 1, 1, 1, 1, 0};
        McNemarExact.Result r = McNemarExact.test(base, cand);
        assertEquals(1, r.baselineOnly());
        assertEquals(6, r.candidateOnly());
        // n = 7: 2 * (1 + 7) / 128 = 0.125
        assertEquals(0.125, r.pValue(), 1e-15);
    }

    @Test
    void nonBinaryOrMismatchedScoresAreRefused() {
        assertThrows(EngineException.InvalidArgument.class, () -> McNemarExact.test(new double[]{0.5}, new double[]{1}));
        assertThrows(EngineException.InvalidArgument.class, () -> McNemarExact.test(new double[]{1}, new double[]{1, 0}));
        assertThrows(EngineException.InvalidArgument.class, () -> McNemarExact.test(-1, 3));
    }
}
