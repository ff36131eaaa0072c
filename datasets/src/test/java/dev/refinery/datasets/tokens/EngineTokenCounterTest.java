package dev.refinery.datasets.tokens;

import dev.refinery.datasets.model.TextMessage;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.chat.EncodedChat;
import dev.refinery.engine.chat.JinjaChatTemplate;
import dev.refinery.engine.chat.PlainTemplate;
import dev.refinery.engine.tokenizer.HfTokenizer;
import dev.refinery.engine.tokenizer.Llama2cTokenizer;
import dev.refinery.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTokenCounterTest {

    private static final List<TextMessage> CHAT = List.of(
            new TextMessage("system", "You are a storyteller.", false),
            new TextMessage("user", "Tell me about a cat.", false),
            new TextMessage("assistant", "Once upon a time, a cat sat in the sun.", true));

    @Test
    void stories260kCountsWhatTheEnginesPlainTemplateEncodes() {
        TokenCounter counter = TokenCounters.forSpec("engine:stories260K", TestRepo.modelsDir());
        Tokenizer tok = Llama2cTokenizer.load(TestRepo.modelsDir().resolve("stories260K/tok512.bin"), 512);
        EncodedChat expected = new PlainTemplate(tok).encodeForTraining(List.of(
                ChatMessage.system("You are a storyteller."), ChatMessage.user("Tell me about a cat."),
                ChatMessage.assistant("Once upon a time, a cat sat in the sun.")));

        RecordTokens tokens = counter.count(CHAT);

        assertEquals(expected.length(), tokens.total());
        assertEquals(expected.assistantTokenCount(), tokens.trained());
        // the template's overhead: BOS, a newline after each prompt turn, EOS after the answer
        int content = tok.encode("You are a storyteller.\n").length + tok.encode("Tell me about a cat.\n").length
                + tok.encode("Once upon a time, a cat sat in the sun.").length;
        assertEquals(content + 2, tokens.total());
        assertEquals(tok.encode("Once upon a time, a cat sat in the sun.").length + 1, tokens.trained());
        assertFalse(counter.accuracy().isEstimate());
        assertTrue(counter.description().contains("stories260K"), counter.description());
    }

    @Test
    void untrainedAssistantTurnsAreNotTrained() {
        TokenCounter counter = TokenCounters.forSpec("engine:stories260K", TestRepo.modelsDir());
        List<TextMessage> chat = List.of(
                new TextMessage("user", "Hi.", false),
                new TextMessage("assistant", "Hello there.", false),
                new TextMessage("user", "Again.", false),
                new TextMessage("assistant", "Hello again.", true));
        Tokenizer tok = Llama2cTokenizer.load(TestRepo.modelsDir().resolve("stories260K/tok512.bin"), 512);
        assertEquals(tok.encode("Hello again.").length + 1, counter.count(chat).trained());
    }

    @Test
    void aTextRecordIsCountedAsBosTextEos() {
        TokenCounter counter = TokenCounters.forSpec("engine:stories260K", TestRepo.modelsDir());
        String story = "Lily went to the park and found a red ball.";
        RecordTokens tokens = counter.count(List.of(new TextMessage("text", story, true)));
        assertEquals(counter.countText(story) + 2, tokens.total());
        assertEquals(counter.countText(story) + 1, tokens.trained());
    }

    @Test
    void tokenizerJsonCountsTheRenderedTemplateEncodedByTheEngine(@TempDir Path dir) throws Exception {
        Path file = TinyTokenizerJson.write(dir.resolve("tiny"));
        TokenCounter counter = TokenCounters.forSpec("tokenizer-json:" + file, null);
        HfTokenizer tok = HfTokenizer.load(dir.resolve("tiny"));
        JinjaChatTemplate template = new JinjaChatTemplate(TinyTokenizerJson.CHATML_TEMPLATE, tok, null, "<|im_end|>");
        List<ChatMessage> chat = List.of(ChatMessage.system("You are a storyteller."), ChatMessage.user("hello world"),
                ChatMessage.assistant("Once upon a time, a cat sat in the sun."));

        RecordTokens tokens = counter.count(chatWith("hello world"));

        int rendered = tok.encodeWithSpecialTokens(template.render(chat, false)).length;
        assertEquals(rendered, tokens.total());
        // the template's overhead over the bare contents: per turn <|im_start|>, role, "\n", <|im_end|>, "\n"
        int bare = tok.encode("You are a storyteller.").length + tok.encode("hello world").length
                + tok.encode("Once upon a time, a cat sat in the sun.").length;
        int overhead = 3 * 4 + tok.encode("system").length + tok.encode("user").length + tok.encode("assistant").length;
        assertEquals(bare + overhead, tokens.total());
        // trained: the answer and its <|im_end|>
        assertEquals(tok.encode("Once upon a time, a cat sat in the sun.").length + 1, tokens.trained());
        assertTrue(counter.description().contains("jinja"), counter.description());
    }

    @Test
    void messageTextThatLooksLikeTemplateCodeIsCountedAsTheLiteralText(@TempDir Path dir) throws Exception {
        TinyTokenizerJson.write(dir.resolve("tiny"));
        HfTokenizer tok = HfTokenizer.load(dir.resolve("tiny"));
        String code = "{{ 'x' ~ 'y' }}";

        RecordTokens tokens = TokenCounters.forSpec("engine:tiny", dir).count(chatWith(code));

        // Rendered as text, it costs its own 15 characters' tokens, not those of "xy", which running it would give.
        int overhead = 3 * 4 + tok.encode("system").length + tok.encode("user").length + tok.encode("assistant").length;
        int bare = tok.encode("You are a storyteller.").length + tok.encode(code).length
                + tok.encode("Once upon a time, a cat sat in the sun.").length;
        assertEquals(bare + overhead, tokens.total());
        assertTrue(tok.encode(code).length > tok.encode("xy").length);
    }

    @Test
    void aFolderSpecFindsTheTokenizerJsonAndItsTemplate(@TempDir Path dir) throws Exception {
        TinyTokenizerJson.write(dir.resolve("tiny"));
        TokenCounter byFolder = TokenCounters.forSpec("tokenizer-json:tiny", dir);
        TokenCounter byModel = TokenCounters.forSpec("engine:tiny", dir);
        TokenCounter byFile = TokenCounters.forSpec("tokenizer-json:" + dir.resolve("tiny/tokenizer.json"), null);
        RecordTokens expected = byFile.count(CHAT);
        assertEquals(expected, byFolder.count(CHAT));
        assertEquals(expected, byModel.count(CHAT));
    }

    @Test
    void countsTheSameOnTwoThreadsAsOnOne(@TempDir Path dir) throws Exception {
        TinyTokenizerJson.write(dir.resolve("tiny"));
        TokenCounter counter = TokenCounters.forSpec("engine:tiny", dir);
        List<List<TextMessage>> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(chatWith("question number " + i + " about " + "hello ".repeat(i % 7)));
        }
        List<RecordTokens> sequential = records.stream().map(counter::count).toList();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<RecordTokens>> futures = new ArrayList<>();
            for (List<TextMessage> r : records) {
                futures.add(pool.submit(() -> counter.count(r)));
            }
            for (int i = 0; i < records.size(); i++) {
                assertEquals(sequential.get(i), futures.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<TextMessage> chatWith(String userText) {
        return List.of(
                new TextMessage("system", "You are a storyteller.", false),
                new TextMessage("user", userText, false),
                new TextMessage("assistant", "Once upon a time, a cat sat in the sun.", true));
    }
}
