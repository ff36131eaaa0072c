package dev.refinery.engine.eval;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        EngineException e = assertThrows(EngineException.InvalidArgument.class, () -> Metrics.score("bleu", "a", "b"));
        assertEquals("ENGINE_INVALID_ARGUMENT", e.code());
    }
}
