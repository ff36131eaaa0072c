package dev.refinery.engine.eval;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsTest {

    private static final String REFERENCE = "Once upon a time, there was a little girl named Mia. One day, Mia saw a bird.";

    @Test
    void openingMatchNeedsTheWholeFirstSentence() {
        assertEquals(1.0, Metrics.openingMatch(REFERENCE, "Once upon a time, there was a little girl named Mia. She ran."));
        assertEquals(1.0, Metrics.openingMatch(REFERENCE, "  Once upon a time,  there was a little girl\nnamed Mia. x"));
        assertEquals(0.0, Metrics.openingMatch(REFERENCE, "Once upon a time, there was a little girl named Lily. She ran."));
        assertEquals(0.0, Metrics.openingMatch(REFERENCE, "Once upon a time, there was a little girl named Mia"));
        assertEquals(0.0, Metrics.openingMatch("", "anything"));
    }

    @Test
    void exactMatchIgnoresCasePunctuationAndSpacing() {
        assertEquals(1.0, Metrics.exactMatch("Paris.", "  paris "));
        assertEquals(0.0, Metrics.exactMatch("Paris", "Lyon"));
    }

    @Test
    void tokenF1CountsOverlappingWords() {
        assertEquals(1.0, Metrics.tokenF1("the red ball", "The red ball!"));
        assertEquals(0.0, Metrics.tokenF1("red ball", "blue kite"));
        // precision 1/2, recall 1/3 -> F1 = 0.4
        assertEquals(0.4, Metrics.tokenF1("a red ball", "red kite"), 1e-12);
    }

    @Test
    void anUnknownMetricIsRefusedByName() {
        EngineException e = assertThrows(EngineException.InvalidArgument.class, () -> Metrics.score("bleu_4", "a", "b"));
        assertEquals("ENGINE_INVALID_ARGUMENT", e.code());
        assertTrue(e.getMessage().contains("rouge_l"), e.getMessage());
    }

    @Test
    void everyNamedMetricScoresThroughOneEntryPoint() {
        String ref = "the cat sat on the mat";
        for (String m : List.of(Metrics.TOKEN_F1, Metrics.ROUGE_L, Metrics.BLEU)) {
            assertEquals(1.0, Metrics.score(m, ref, ref), 1e-9, m + " of a reply equal to its reference");
            assertEquals(0.0, Metrics.score(m, ref, "dogs run"), 1e-9, m + " of a reply sharing no word");
        }
        // ROUGE-L: LCS "the cat the mat" is 4 of 6 reference and 4 of 5 reply words: F = 2 * (2/3 * 4/5) / (2/3 + 4/5).
        assertEquals(2 * (2.0 / 3 * 0.8) / (2.0 / 3 + 0.8), Metrics.score(Metrics.ROUGE_L, ref, "the cat on a mat"), 1e-12);
        assertEquals(1.0, Metrics.score(Metrics.JSON_VALID, "{\"a\": 1}", " {\"b\": [1, 2]} "));
        assertEquals(0.0, Metrics.score(Metrics.JSON_VALID, "{\"a\": 1}", "{b: 1}"));
        assertEquals(0.5, Metrics.score(Metrics.JSON_MATCH, "{\"a\": 1, \"b\": \"x\"}", "{\"a\": 1.0, \"b\": \"y\"}"));
        assertTrue(Metrics.isPassFail(Metrics.JSON_VALID) && !Metrics.isPassFail(Metrics.BLEU));
        assertTrue(Metrics.needsJsonReferences(Metrics.JSON_MATCH) && !Metrics.needsJsonReferences(Metrics.ROUGE_L));
    }
}
