package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.train.PreferenceExample;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferenceJsonlTest {

    private static final String PAIR = "{\"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"Name a colour\"}, "
            + "{\"role\": \"assistant\", \"content\": \"Red?\"}, {\"role\": \"user\", \"content\": \"Another\"}]}, "
            + "\"preferred_output\": [{\"role\": \"assistant\", \"content\": \"Blue.\"}], "
            + "\"non_preferred_output\": [{\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \"No.\"}]}]}";

    @Test
    void readsThePromptAndBothAnswers() {
        PreferenceRecord pair = PreferenceJsonl.parseLine(PAIR, 1);
        assertEquals(3, pair.prompt().size());
        assertEquals("Blue.", pair.chosen().get(0).content());
        assertEquals("No.", pair.rejected().get(0).content());
    }

    @Test
    void encodingTrainsOnTheAnswerOnlyNotOnAssistantTurnsOfThePrompt() {
        ChatTemplate template = new PlainTemplate(dev.refinery.engine.tokenizer.Llama2cTokenizer.load(dev.refinery.engine.tokenizer.RepoFiles.stories260kTokenizer(), 512));
        PreferenceExample example = PreferenceExample.of(template, PreferenceJsonl.parseLine(PAIR, 1));
        int[] promptOnly = template.encodePrompt(PreferenceJsonl.parseLine(PAIR, 1).prompt());
        for (int i = 0; i < promptOnly.length; i++) {
            assertFalse(example.chosen().lossMask()[i], "prompt token " + i + " is context");
            assertFalse(example.rejected().lossMask()[i], "prompt token " + i + " is context");
        }
        assertArrayEquals(java.util.Arrays.copyOf(example.chosen().ids(), promptOnly.length), promptOnly);
        assertTrue(example.chosen().lossMask()[promptOnly.length + 1], "the chosen answer is trained on");
    }

    @Test
    void errorsNameTheLineAndTheJsonPath() {
        assertError("{\"input\": {\"messages\": []}, \"preferred_output\": [], \"non_preferred_output\": []}", "line 7: input.messages is empty");
        assertError("{\"input\": \"hi\"}", "line 7: input must be an object with a \"messages\" array");
        assertError("{\"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}, \"non_preferred_output\": []}",
                "line 7: preferred_output must be an array");
        assertError("{\"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}, \"preferred_output\": [{\"role\": \"assistant\", \"content\": \"b\"}],"
                + " \"non_preferred_output\": [{\"role\": \"user\", \"content\": \"c\"}]}", "line 7: non_preferred_output[0].role must be assistant, got 'user'");
        assertError("[]", "line 7: must be a JSON object with input, preferred_output and non_preferred_output");
    }

    @Test
    void aLinesShapeIsToldFromItsTopLevelFields() {
        assertEquals(RecordShape.PREFERENCE_PAIR, RecordShape.of(PAIR));
        assertEquals(RecordShape.CONVERSATION, RecordShape.of("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}"));
        assertEquals(RecordShape.OTHER, RecordShape.of("{\"prompt\": \"a\", \"chosen\": \"b\"}"));
        assertEquals(RecordShape.OTHER, RecordShape.of("not json"));
        assertEquals(RecordShape.OTHER, RecordShape.of("[1, 2]"));
    }

    private static void assertError(String line, String expected) {
        EngineException e = assertThrows(EngineException.InvalidChat.class, () -> PreferenceJsonl.parseLine(line, 7));
        assertEquals(expected, e.getMessage());
    }
}
