package dev.refinery.engine.serve;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.testing.TestModels;
import dev.refinery.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingTextTest {

    private static final Tokenizer TOKENIZER = LanguageModel.load(TestModels.stories260kDir()).tokenizer();

    @Test
    void aCharacterSplitAcrossTokensIsReleasedWhole() {
        int[] ids = TOKENIZER.encode("é");
        assertTrue(ids.length >= 2, "stories260K spells é with byte tokens: " + ids.length);
        StreamingText text = new StreamingText(TOKENIZER, List.of());
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < ids.length - 1; i++) {
            String delta = text.append(ids[i]);
            assertEquals("", delta, "no half character");
        }
        streamed.append(text.append(ids[ids.length - 1]));
        assertEquals("é", streamed.toString());
    }

    @Test
    void textThatMayStartAStopStringWaitsAndIsReleasedWhenItDoesNot() {
        StreamingText text = new StreamingText(TOKENIZER, List.of("The end"));
        StringBuilder streamed = new StringBuilder();
        for (int id : TOKENIZER.encode("Then the dog ran. The")) {
            streamed.append(text.append(id));
        }
        assertFalse(text.stopped());
        assertEquals("Then the dog ran. ", streamed.toString(), "' The' may become 'The end'");
        streamed.append(text.flush());
        assertEquals("Then the dog ran. The", streamed.toString());
        assertEquals(streamed.toString(), text.text());
    }

    @Test
    void aStopStringCutsTheTextBeforeIt() {
        StreamingText text = new StreamingText(TOKENIZER, List.of("The end"));
        StringBuilder streamed = new StringBuilder();
        for (int id : TOKENIZER.encode("They played. The end. More")) {
            streamed.append(text.append(id));
            if (text.stopped()) {
                break;
            }
        }
        assertTrue(text.stopped());
        assertEquals("They played. ", text.text());
        assertEquals("They played. ", streamed.toString() + text.flush());
    }
}
