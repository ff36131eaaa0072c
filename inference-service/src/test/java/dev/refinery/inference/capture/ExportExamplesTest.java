package dev.refinery.inference.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which feedback makes which training example: the rules the README states, one by one. */
class ExportExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "[{\"role\":\"developer\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]";

    private static ExportExamples.Rated answer(String output, Integer rating, String thumbs, String correction) {
        return new ExportExamples.Rated("chatcmpl-" + output, PROMPT, output, rating, thumbs, correction);
    }

    @Test
    void sftTakesTheCorrectionElseAWellRatedAnswerAsItWasAndNothingElse() {
        ObjectNode corrected = ExportExamples.sft(JSON, answer("Hey", 1, null, "Hello!")).orElseThrow();
        assertEquals("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello!\"}]}", corrected.toString(), "developer is written as system");
        assertEquals("Hey", ExportExamples.sft(JSON, answer("Hey", null, "up", null)).orElseThrow().at("/messages/2/content").asText());
        assertEquals("Hey", ExportExamples.sft(JSON, answer("Hey", 4, null, null)).orElseThrow().at("/messages/2/content").asText());
        assertTrue(ExportExamples.sft(JSON, answer("Hey", 3, null, null)).isEmpty());
        assertTrue(ExportExamples.sft(JSON, answer("Hey", null, "down", null)).isEmpty());
    }

    @Test
    void aCorrectionIsPreferredToAnAnswerThatWasNotRatedWell() {
        ObjectNode pair = ExportExamples.corrected(JSON, answer("Hey", null, "down", "Hello!")).orElseThrow();
        assertEquals("Hello!", pair.at("/preferred_output/0/content").asText());
        assertEquals("Hey", pair.at("/non_preferred_output/0/content").asText());
        assertEquals("system", pair.at("/input/messages/0/role").asText());
        assertTrue(ExportExamples.corrected(JSON, answer("Hey", 5, null, "Hello!")).isEmpty(), "rated well: no pair against it");
        assertTrue(ExportExamples.corrected(JSON, answer("Hey", null, null, "Hey")).isEmpty(), "the same text is no preference");
    }

    @Test
    void amongRatedAnswersToOnePromptTheBestIsPreferredToEachRatedLower() {
        List<ObjectNode> pairs = ExportExamples.ranked(JSON, List.of(answer("a", 2, null, null), answer("b", null, "up", null),
                answer("c", 5, null, null), answer("d", null, null, "only corrected")));
        assertEquals(2, pairs.size(), pairs.toString());
        assertEquals(List.of("c", "c"), pairs.stream().map(p -> p.at("/preferred_output/0/content").asText()).toList());
        assertEquals(List.of("a", "b"), pairs.stream().map(p -> p.at("/non_preferred_output/0/content").asText()).toList());
        assertTrue(ExportExamples.ranked(JSON, List.of(answer("a", 4, null, null), answer("b", null, "up", null))).isEmpty(),
                "a tie prefers neither");
    }
}
