package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.tokenizer.HfFixtures;
import dev.refinery.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.refinery.engine.chat.ChatAssertions.concat;
import static dev.refinery.engine.chat.ChatAssertions.maskedIds;
import static dev.refinery.engine.chat.ChatMessage.assistant;
import static dev.refinery.engine.chat.ChatMessage.system;
import static dev.refinery.engine.chat.ChatMessage.user;
import static dev.refinery.engine.tokenizer.HfFixtures.ENDOFTEXT;
import static dev.refinery.engine.tokenizer.HfFixtures.GCAT;
import static dev.refinery.engine.tokenizer.HfFixtures.HE;
import static dev.refinery.engine.tokenizer.HfFixtures.IM_END;
import static dev.refinery.engine.tokenizer.HfFixtures.IM_START;
import static dev.refinery.engine.tokenizer.HfFixtures.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ChatML and Llama 3, built from tokens on a small byte-level vocabulary with their marker tokens. */
class BuiltInTemplatesTest {

    static final List<String> LLAMA3_SPECIALS = List.of("<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
            "<|eot_id|>", "<|end_of_text|>");
    static final int BEGIN = 272, START_HEADER = 273, END_HEADER = 274, EOT = 275, END_OF_TEXT = 276;

    static final Tokenizer QWEN_LIKE = HfFixtures.byteLevelWithSpecials(List.of(), null, "<|endoftext|>");
    static final Tokenizer LLAMA3_LIKE = HfFixtures.byteLevelWithSpecials(LLAMA3_SPECIALS, "<|begin_of_text|>", "<|end_of_text|>");

    private static final List<ChatMessage> CHAT = List.of(system("Be brief."), user("the cat"), assistant("the cat"));

    @Test
    void chatMlLaysOutTurnsWithMarkerTokens() {
        ChatMlTemplate chatMl = new ChatMlTemplate(QWEN_LIKE);
        EncodedChat chat = chatMl.encodeForTraining(CHAT);
        int[] newline = {b('\n')};
        int[] theCat = {b('t'), HE, GCAT};
        int[] expected = concat(
                new int[] {IM_START}, QWEN_LIKE.encode("system\nBe brief."), new int[] {IM_END}, newline,
                new int[] {IM_START}, QWEN_LIKE.encode("user\n"), theCat, new int[] {IM_END}, newline,
                new int[] {IM_START}, QWEN_LIKE.encode("assistant\n"), theCat, new int[] {IM_END}, newline);
        assertArrayEquals(expected, chat.ids());
        assertArrayEquals(new int[] {b('t'), HE, GCAT, IM_END}, maskedIds(chat));
        assertFalse(chat.assistantMask()[chat.length() - 1], "the newline after <|im_end|> is not trained");
        int[] prompt = chatMl.encodePrompt(CHAT.subList(0, 2));
        int[] header = concat(new int[] {IM_START}, QWEN_LIKE.encode("assistant\n"));
        assertArrayEquals(header, Arrays.copyOfRange(prompt, prompt.length - header.length, prompt.length));
        ChatAssertions.assertPromptIsPrefixOfTraining(chatMl, CHAT);
        assertArrayEquals(new int[] {IM_END, ENDOFTEXT}, chatMl.stopTokenIds());
    }

    @Test
    void markerSpellingsInsideContentStayText() {
        ChatMlTemplate chatMl = new ChatMlTemplate(QWEN_LIKE);
        EncodedChat chat = chatMl.encodeForTraining(List.of(user("say <|im_end|> now"), assistant("<|im_start|>")));
        long markers = Arrays.stream(chat.ids()).filter(id -> id == IM_START || id == IM_END).count();
        assertEquals(4, markers, "only the template's own two turns add markers");
    }

    @Test
    void chatMlAcceptsToolMessages() {
        ChatMlTemplate chatMl = new ChatMlTemplate(QWEN_LIKE);
        List<ChatMessage> chat = List.of(user("weather?"), new ChatMessage("tool", "sunny"), assistant("It is sunny."));
        ChatAssertions.assertPromptIsPrefixOfTraining(chatMl, chat);
        assertEquals("It is sunny.", QWEN_LIKE.decode(maskedIds(chatMl.encodeForTraining(chat))));
    }

    @Test
    void llama3UsesHeadersAndTrimsContent() {
        Llama3Template llama3 = new Llama3Template(LLAMA3_LIKE);
        EncodedChat chat = llama3.encodeForTraining(List.of(user(" the cat "), assistant("\nthe cat  ")));
        int[] theCat = {b('t'), HE, GCAT};
        int[] nn = LLAMA3_LIKE.encode("\n\n");
        int[] expected = concat(new int[] {BEGIN},
                new int[] {START_HEADER}, LLAMA3_LIKE.encode("user"), new int[] {END_HEADER}, LLAMA3_LIKE.encode("\n\nthe cat"), new int[] {EOT},
                new int[] {START_HEADER}, LLAMA3_LIKE.encode("assistant"), new int[] {END_HEADER}, nn, theCat, new int[] {EOT});
        assertArrayEquals(expected, chat.ids());
        assertArrayEquals(new int[] {b('t'), HE, GCAT, EOT}, maskedIds(chat));
        ChatAssertions.assertPromptIsPrefixOfTraining(llama3, CHAT);
        assertArrayEquals(new int[] {EOT, END_OF_TEXT}, llama3.stopTokenIds());
        assertThrows(EngineException.InvalidChat.class,
                () -> llama3.encodeForTraining(List.of(user("x"), new ChatMessage("tool", "y"), assistant("z"))));
    }

    @Test
    void templatesNeedTheirMarkersInTheVocabulary() {
        EngineException e = assertThrows(EngineException.TokenizerMismatch.class, () -> new Llama3Template(QWEN_LIKE));
        assertTrue(e.getMessage().contains("<|begin_of_text|>"), e.getMessage());
        Tokenizer noMarkers = HfFixtures.llama2Style();
        assertThrows(EngineException.TokenizerMismatch.class, () -> new ChatMlTemplate(noMarkers));
    }

    @Test
    void weightZeroAssistantTurnsAreContextOnly() {
        ChatMlTemplate chatMl = new ChatMlTemplate(QWEN_LIKE);
        List<ChatMessage> chat = List.of(user("a"), new ChatMessage("assistant", "old answer", 0), user("b"), assistant("the cat"));
        EncodedChat encoded = chatMl.encodeForTraining(chat);
        assertArrayEquals(new int[] {b('t'), HE, GCAT, IM_END}, maskedIds(encoded));
        ChatAssertions.assertPromptIsPrefixOfTraining(chatMl, chat);
    }
}
