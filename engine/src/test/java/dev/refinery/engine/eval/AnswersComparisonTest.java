package dev.refinery.engine.eval;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.chat.ChatMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Answers produced elsewhere (a provider's API) compared the way the engine's own are: same metric, same interval. */
class AnswersComparisonTest {

    private static final List<List<ChatMessage>> ITEMS = List.of(
            List.of(ChatMessage.user("Tell me about Mia."), ChatMessage.assistant("Once upon a time, there was a girl named Mia.")),
            List.of(ChatMessage.user("Tell me about Ben."), ChatMessage.assistant("Once upon a time, there was a boy named Ben.")));

    @Test
    void theAnswersAreScoredAgainstEachReferenceWithoutALoss() {
        HeldOutComparison.Report r = new HeldOutComparison(Metrics.OPENING_MATCH, 16).compareAnswers(ITEMS,
                List.of("I cannot.", "Once upon a time, there was a boy named Ben. He ran."),
                List.of("Once upon a time, there was a girl named Mia. She sang.", "Once upon a time, there was a boy named Ben."));
        assertEquals(0.5, r.baselineMean());
        assertEquals(1.0, r.candidateMean());
        assertEquals("Tell me about Mia.", r.items().get(0).prompt());
        assertEquals("I cannot.", r.items().get(0).baselineOutput());
        assertTrue(Double.isNaN(r.baselineLoss()) && Double.isNaN(r.items().get(1).candidateNll()), "an API gives no log-probabilities");
        assertEquals(0.5, r.difference().mean(), 1e-12);
    }

    @Test
    void stopSequencesCutEveryAnswerBeforeTheFirstOneItHolds() {
        HeldOutComparison c = new HeldOutComparison(Metrics.EXACT_MATCH, 16, List.of("\n\n", "THE END"));
        assertEquals("Once upon a time.", c.cut("Once upon a time.\n\nMore. THE END"));
        assertEquals("Mia sang", c.cut("Mia sangTHE END\n\nx"));
        assertEquals("no stop here", c.cut("no stop here"));
        HeldOutComparison.Report r = c.compareAnswers(ITEMS, List.of("x", "y"),
                List.of("Once upon a time, there was a girl named Mia.THE END and more", "z"));
        assertEquals("Once upon a time, there was a girl named Mia.", r.items().get(0).candidateOutput());
        assertEquals(1.0, r.items().get(0).candidateScore(), "scored on the answer as cut");
    }

    @Test
    void aMissingAnswerIsRefused() {
        assertThrows(EngineException.InvalidArgument.class, () -> new HeldOutComparison(Metrics.OPENING_MATCH, 16)
                .compareAnswers(ITEMS, List.of("a"), List.of("a", "b")));
    }
}
