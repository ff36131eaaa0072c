package dev.refinery.engine.eval.metrics;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every expected number here is copied from sacreBLEU's own README or test suite (github.com/mjpost/sacrebleu), with
 * the tolerance that suite uses; none was produced by running this code.
 */
class BleuTest {

    // sacreBLEU README ("Using BLEU from Python") and test/test_bleu.py (_refs, _hyps): two reference streams.
    private static final List<String> REFS_1 = List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first.");
    private static final List<String> REFS_2 = List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog.");
    private static final List<String> HYPS = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");

    /** sacreBLEU takes reference streams (stream k, segment i); this API takes the references of each segment. */
    private static List<List<String>> perSegment(List<String>... streams) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < streams[0].size(); i++) {
            List<String> refs = new ArrayList<>();
            for (List<String> s : streams) {
                refs.add(s.get(i));
            }
            out.add(refs);
        }
        return out;
    }

    @Test
    void corpusBleuWithDefaultsMatchesSacreBleusReadmeAndTestSuite() {
        Bleu.Score s = Bleu.corpus(HYPS, perSegment(REFS_1, REFS_2));
        // test/test_bleu.py test_corpus_bleu_cases: (_hyps, _refs, {}, 48.530827), EPSILON = 1e-8
        assertEquals(48.530827, s.score(), 1e-8);
        // README: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
        assertEquals(17, s.sysLen());
        assertEquals(18, s.refLen());
        assertEquals(0.943, s.bp(), 5e-4);
        assertArrayEquals(new double[]{82.4, 50.0, 45.5, 37.5}, s.precisions(), 0.05);
    }

    @Test
    void corpusBleuWithoutSmoothingAndWithEmptyHypothesesMatchSacreBleu() {
        // test_corpus_bleu_cases: (_hyps, _refs, {'smooth_method': 'none'}, 48.530827)
        assertEquals(48.530827, Bleu.corpus(HYPS, perSegment(REFS_1, REFS_2), Bleu.Smoothing.NONE, Double.NaN, false).score(), 1e-8);
        // test_corpus_bleu_cases: (('', '', ''), _refs, {}, 0.0) -- empty hypotheses are scored, not dropped
        assertEquals(0.0, Bleu.corpus(List.of("", "", ""), perSegment(REFS_1, REFS_2)).score(), 1e-8);
    }

    @Test
    void ngramStatisticsMatchSacreBleu() {
        // test_bleu.py test_case_statistics: Statistics([4, 2, 1, 0], [6, 5, 4, 3]) (no punctuation: 13a == none)
        Bleu.Score s = Bleu.corpus(List.of("am I am a character sequence"), List.of(List.of("I am a symbol string sequence a a")));
        assertArrayEquals(new int[]{4, 2, 1, 0}, s.correct());
        assertArrayEquals(new int[]{6, 5, 4, 3}, s.total());
    }

    @Test
    void scoreFromStatisticsMatchesSacreBleu() {
        // test_bleu.py test_case_scoring: compute_bleu([9,7,5,3], [10,8,6,4], 11, 11) = 0.8375922397 (x100), EPSILON 1e-8
        Bleu.Score s = Bleu.fromStatistics(new int[]{9, 7, 5, 3}, new int[]{10, 8, 6, 4}, 11, 11, Bleu.Smoothing.NONE, Double.NaN, false);
        assertEquals(0.8375922397, s.score() / 100, 1e-8);
    }

    @Test
    void effectiveOrderAndFloorSmoothingMatchSacreBleu() {
        // test_bleu.py test_case_effective_order, scored by raw_corpus_bleu(hyps, [refs], .01): floor smoothing 0.01,
        // effective order on, tokenize 'none' (these have no punctuation, so 13a tokenizes them the same), EPSILON 1e-8
        assertEquals(0.3678794411714425, floorEffective("test", "a test"), 1e-8);
        assertEquals(1.0, floorEffective("a test", "a test"), 1e-8);
        assertEquals(0.03218297948685433, floorEffective("a little test", "a test"), 1e-8);
        // test_raw_bleu_cases (same scoring)
        assertEquals(1.0, floorEffective("this is a test", "this is a test"), 1e-8);
        assertEquals(0.223606797749979, floorEffective("this is a fest", "this is a test"), 1e-8);
        // Left out: (["this is a test", "another test"], ["ref1", "ref2"], 0.003799...) predates sacreBLEU 2's
        // "no matching n-gram scores 0" rule (issue #141), which compute_bleu now applies and so does Bleu.
    }

    private static double floorEffective(String hyp, String ref) {
        return Bleu.corpus(List.of(hyp), List.of(List.of(ref)), Bleu.Smoothing.FLOOR, 0.01, true).score() / 100;
    }

    // test/test_sentence_bleu.py, "Example taken from #98" (Romanian with a cedilla t in the reference, comma t in the
    // hypothesis), tokenize '13a', lowercase False, effective_order True, EPSILON = 1e-3.
    private static final String REF_98 = "produc\u0163ia de zah\u0103r brut se exprim\u0103 \u00een zah\u0103r alb;";
    private static final String SYS_98 = "Produc\u021bia de zah\u0103r prim\u0103 va fi exprimat\u0103 \u00een ceea ce prive\u0219te zah\u0103rul alb;";

    @Test
    void sentenceBleuWithDefaultsMatchesSacreBleu() {
        // ('exp', None, False, '13a', 8.493): sentence_bleu's defaults
        assertEquals(8.493, Bleu.sentence(SYS_98, List.of(REF_98)).score(), 1e-3);
    }

    @Test
    void sentenceBleuWithEachSmoothingMatchesSacreBleu() {
        assertEquals(0.0, Bleu.sentence(SYS_98, List.of(REF_98), Bleu.Smoothing.NONE, Double.NaN).score(), 1e-3);
        assertEquals(4.51688, Bleu.sentence(SYS_98, List.of(REF_98), Bleu.Smoothing.FLOOR, Double.NaN).score(), 1e-3);
        assertEquals(4.51688, Bleu.sentence(SYS_98, List.of(REF_98), Bleu.Smoothing.FLOOR, 0.1).score(), 1e-3);
        assertEquals(10.10, Bleu.sentence(SYS_98, List.of(REF_98), Bleu.Smoothing.FLOOR, 0.5).score(), 1e-3);
        assertEquals(14.882, Bleu.sentence(SYS_98, List.of(REF_98), Bleu.Smoothing.ADD_K, Double.NaN).score(), 1e-3);
        assertEquals(14.882, Bleu.sentence(SYS_98, List.of(REF_98), Bleu.Smoothing.ADD_K, 1).score(), 1e-3);
        assertEquals(21.389, Bleu.sentence(SYS_98, List.of(REF_98), Bleu.Smoothing.ADD_K, 2).score(), 1e-3);
    }

    @Test
    void aSentenceWithNoMatchScoresZeroWhateverTheSmoothing() {
        // test_sentence_bleu.py, "Example taken from #141": REF_0 = "okay thanks", SYS_0 = "this is a cat" -> 0.0
        for (Bleu.Smoothing s : Bleu.Smoothing.values()) {
            assertEquals(0.0, Bleu.sentence("this is a cat", List.of("okay thanks"), s, Double.NaN).score(), 1e-3, s.name());
        }
    }

    @Test
    void tokenizer13aSplitsPunctuationButKeepsNumbersAndApostrophes() {
        // Hand-derived from the 13a rules (no published vector): ',' after a digit and before a space is split,
        // '.' and ',' between digits are kept, '-' after a digit is split, brackets and ';' are split, "'" is kept.
        assertEquals("3.14 , 1,000 and 2 - 3 ( x ) ;", Tokenizer13a.tokenize("3.14, 1,000 and 2-3 (x);"));
        assertEquals("It wasn't surprising .", Tokenizer13a.tokenize("It wasn't surprising."));
        assertEquals("a \" b & c", Tokenizer13a.tokenize("a &quot;b&amp; c"));
    }

    @Test
    void mismatchedHypothesesAndReferencesAreRefused() {
        assertThrows(EngineException.InvalidArgument.class, () -> Bleu.corpus(List.of("a", "b"), List.of(List.of("a"))));
        assertThrows(EngineException.InvalidArgument.class, () -> Bleu.corpus(List.of("a"), List.of(List.of())));
    }
}
