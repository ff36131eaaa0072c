package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.tokenizer.HfFixtures;
import dev.refinery.engine.tokenizer.Llama2cTokenizer;
import dev.refinery.engine.tokenizer.RepoFiles;
import dev.refinery.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.refinery.engine.chat.ChatAssertions.concat;
import static dev.refinery.engine.chat.ChatAssertions.maskedIds;
import static dev.refinery.engine.chat.ChatMessage.assistant;
import static dev.refinery.engine.chat.ChatMessage.system;
import static dev.refinery.engine.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlainTemplateTest {

    private static final Tokenizer TOK = Llama2cTokenizer.load(RepoFiles.stories260kTokenizer(), 512);
    private static final PlainTemplate PLAIN = new PlainTemplate(TOK);
    private static final List<ChatMessage> STORY = List.of(
            system("You tell stories."), user("Tell me a story."), assistant("Once upon a time"));

    @Test
    void trainingLayoutIsBosThenLinesThenAnswerAndEos() {
        EncodedChat chat = PLAIN.encodeForTraining(STORY);
        int[] context = concat(new int[] {1}, TOK.encode("You tell stories.\n"), TOK.encode("Tell me a story.\n"));
        int[] answer = {403, 407, 261, 378, 2}; // " Once", " upon", " a", " time", EOS
        assertArrayEquals(concat(context, answer), chat.ids());
        for (int i = 0; i < chat.length(); i++) {
            assertEquals(i >= context.length, chat.assistantMask()[i], "mask at " + i);
        }
        assertArrayEquals(answer, maskedIds(chat));
        assertEquals("Once upon a time", TOK.decode(maskedIds(chat)));
        // Every message was encoded on its own, so each starts with the dummy-prefix space.
        assertEquals("You tell stories.\n Tell me a story.\n Once upon a time", TOK.decode(chat.ids()));
    }

    @Test
    void promptIsTheContextWithNothingAfterIt() {
        int[] prompt = PLAIN.encodePrompt(STORY.subList(0, 2));
        assertArrayEquals(concat(new int[] {1}, TOK.encode("You tell stories.\n"), TOK.encode("Tell me a story.\n")), prompt);
        ChatAssertions.assertPromptIsPrefixOfTraining(PLAIN, STORY);
    }

    @Test
    void multiTurnConversationsKeepThePrefixPropertyAndWeights() {
        List<ChatMessage> chat = List.of(user("Hi"), new ChatMessage("assistant", "Lily was happy.", 0),
                user("More"), assistant("Tim played."));
        ChatAssertions.assertPromptIsPrefixOfTraining(PLAIN, chat);
        EncodedChat encoded = PLAIN.encodeForTraining(chat);
        assertEquals("Tim played.", TOK.decode(maskedIds(encoded)));
        assertEquals(TOK.encode("Tim played.").length + 1, encoded.assistantTokenCount());
    }

    @Test
    void generationStopsOnEosOrBos() {
        assertArrayEquals(new int[] {2, 1}, PLAIN.stopTokenIds());
        assertEquals("plain", PLAIN.name());
    }

    @Test
    void invalidChatsAreRejectedWithTheReason() {
        assertInvalid(List.of(), "no messages");
        assertInvalid(List.of(user("Hi"), user("Anyone?")), "no assistant message");
        assertInvalid(List.of(user("Hi"), new ChatMessage("tool", "42"), assistant("ok")), "role 'tool'");
        assertInvalid(List.of(user("Hi"), new ChatMessage("bot", "hi")), "role 'bot'");
        assertInvalid(List.of(user("Hi"), new ChatMessage("assistant", null)), "message 1 (assistant) has no content");
        assertInvalid(List.of(user("Hi"), new ChatMessage("assistant", "x", 2)), "weight 2");
        List<ChatMessage> withNull = new ArrayList<>(Arrays.asList(user("Hi"), null));
        assertInvalid(withNull, "message 1 has no role");
        EngineException e = assertThrows(EngineException.InvalidChat.class, () -> PLAIN.encodePrompt(List.of()));
        assertTrue(e.getMessage().contains("no messages"));
    }

    @Test
    void tokenizerWithoutEosCannotEndTurns() {
        Tokenizer noEos = HfFixtures.byteLevelWithSpecials(List.of(), null, null);
        assertThrows(EngineException.TokenizerMismatch.class, () -> new PlainTemplate(noEos));
    }

    private static void assertInvalid(List<ChatMessage> chat, String expected) {
        EngineException e = assertThrows(EngineException.InvalidChat.class, () -> PLAIN.encodeForTraining(chat));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals("ENGINE_INVALID_CHAT", e.code());
    }
}
