package dev.refinery.engine.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Expected numbers are copied from rouge-score's own test suite, google-research/google-research
 * {@code rouge/rouge_scorer_test.py}, whose "ground truth" is manual runs of the original ROUGE-1.5.5; its
 * {@code assertAlmostEqual} default is 7 decimal places and {@code places=5} where stated. Note the argument order is
 * the package's: reference (its "target") first, then the prediction.
 */
class RougeLTest {

    @Test
    void consecutiveMatchMatchesRougeScore() {
        // testRougeLConsecutive: score("testing one two", "testing one") -> P 1, R 2/3, F 4/5
        RougeL.Score s = RougeL.score("testing one two", "testing one");
        assertEquals(1, s.precision(), 1e-7);
        assertEquals(2.0 / 3, s.recall(), 1e-7);
        assertEquals(4.0 / 5, s.fmeasure(), 1e-7);
    }

    @Test
    void nonConsecutiveMatchMatchesRougeScore() {
        // testRougeLNonConsecutive: score("testing one two", "testing two") -> P 1, R 2/3, F 4/5
        RougeL.Score s = RougeL.score("testing one two", "testing two");
        assertEquals(1, s.precision(), 1e-7);
        assertEquals(2.0 / 3, s.recall(), 1e-7);
        assertEquals(4.0 / 5, s.fmeasure(), 1e-7);
    }

    @Test
    void anEmptyPredictionScoresZero() {
        // testRougeEmpty: score("testing one two", "") -> 0, 0, 0
        assertEquals(new RougeL.Score(0, 0, 0), RougeL.score("testing one two", ""));
    }

    // rouge/testdata/target.txt and prediction.txt, lines 1 and 2 (f.readlines()[0] and [1]).
    private static final String TARGET_0 = "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing "
            + "Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n";
    private static final String TARGET_1 = "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing "
            + "sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing "
            + "c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n";
    private static final String PREDICTION_0 = "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n";
    private static final String PREDICTION_1 = "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed "
            + "HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n";

    @Test
    void agreesWithRouge155OnTheRougeScoreTestData() {
        // testRougeLAgainstRouge155, places=5
        RougeL.Score first = RougeL.score(TARGET_0, PREDICTION_0);
        assertEquals(0.40741, first.recall(), 5e-6);
        assertEquals(0.68750, first.precision(), 5e-6);
        assertEquals(0.51163, first.fmeasure(), 5e-6);
        RougeL.Score second = RougeL.score(TARGET_1, PREDICTION_1);
        assertEquals(0.40476, second.recall(), 5e-6);
        assertEquals(0.65385, second.precision(), 5e-6);
        assertEquals(0.50000, second.fmeasure(), 5e-6);
    }

    @Test
    void lcsLengthMatchesRougeScoresTable() {
        // testLcsTable: ref [1,2,3,4,5], c1 [2,5,3,4] -> 3; c2 [8,9] -> 0
        List<String> ref = List.of("1", "2", "3", "4", "5");
        assertEquals(3, RougeL.lcsLength(ref, List.of("2", "5", "3", "4")));
        assertEquals(0, RougeL.lcsLength(ref, List.of("8", "9")));
    }

    @Test
    void tokenizationLowerCasesAndSplitsOnNonAlphanumerics() {
        // The package's tokenize.tokenize rule, applied by hand: non-[a-z0-9] runs are separators.
        assertEquals(List.of("ht", "lm", "ektdxkme", "yz", "rbr"), RougeL.tokenize("Ht-LM EKtDXkME,yz'RBr"));
        assertEquals(List.of("caf", "na", "ve"), RougeL.tokenize("Caf\u00e9 na\u00efve"));
    }
}
