package dev.refinery.engine.eval;

import dev.refinery.engine.chat.ChatMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairwiseQuestionTest {

    @Test
    void aVerdictIsTheReplysFirstLetterStandingAlone() {
        assertEquals(Optional.of('A'), PairwiseQuestion.verdict("A"));
        assertEquals(Optional.of('B'), PairwiseQuestion.verdict(" b.\n"));
        assertEquals(Optional.of('A'), PairwiseQuestion.verdict("A: it is shorter"));
        assertEquals(Optional.empty(), PairwiseQuestion.verdict("Answer A"), "a word that begins with A is not a verdict");
        assertEquals(Optional.empty(), PairwiseQuestion.verdict("Both"));
        assertEquals(Optional.empty(), PairwiseQuestion.verdict(""));
        assertEquals(Optional.empty(), PairwiseQuestion.verdict(null));
    }

    @Test
    void aWinCountsOnlyWhenItHoldsWithTheAnswersSwapped() {
        assertEquals(PairwiseQuestion.Outcome.FIRST, PairwiseQuestion.outcome('A', 'B'));
        assertEquals(PairwiseQuestion.Outcome.SECOND, PairwiseQuestion.outcome('B', 'A'));
        assertEquals(PairwiseQuestion.Outcome.TIE, PairwiseQuestion.outcome('A', 'A'), "a judge that always says A decides nothing");
        assertEquals(PairwiseQuestion.Outcome.TIE, PairwiseQuestion.outcome('B', 'B'));
    }

    @Test
    void theQuestionShowsTheRequestTheReferenceAndBothAnswersInOrder() {
        List<ChatMessage> q = PairwiseQuestion.of("Prefer short answers.", "Say hi", null, "hi", "hello there");
        assertEquals(2, q.size());
        String user = q.get(1).content();
        assertTrue(user.startsWith("Prefer short answers.\n\nRequest:\nSay hi"), user);
        assertTrue(user.indexOf("Answer A:\nhi") < user.indexOf("Answer B:\nhello there"), user);
        assertTrue(!user.contains("for reference"), "no reference, no reference section");
        assertTrue(PairwiseQuestion.of(null, "r", "ref", "a", "b").get(1).content().contains("A good answer, for reference:\nref"));
    }
}
