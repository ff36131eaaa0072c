package dev.refinery.datasets.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.refinery.datasets.model.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TiktokenCounterTest {

    private final TiktokenCounter o200k = new TiktokenCounter(TiktokenCounter.Vocabulary.O200K_BASE);
    private final TiktokenCounter cl100k = new TiktokenCounter(TiktokenCounter.Vocabulary.CL100K_BASE);

    @Test
    void helloWorldIsTwoTokensInBothEncodings() {
        assertEquals(2, o200k.countText("hello world"));
        assertEquals(2, cl100k.countText("hello world"));
    }

    @Test
    void cl100kMatchesOpenAisPublishedExamples() {
        // OpenAI's "How to count tokens with tiktoken": ["t", "ik", "token", " is", " great", "!"]
        assertEquals(6, cl100k.countText("tiktoken is great!"));
        assertEquals(List.of(83, 1609, 5963, 374, 2294, 0),
                Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE).encode("tiktoken is great!").boxed());
        assertEquals(4, cl100k.countText("China is great!"));
    }

    @Test
    void o200kIsItsOwnVocabulary() {
        // the larger vocabulary spends fewer tokens on non-English text than cl100k
        String russian = "Здравствуйте! Деньги вернутся на карту в течение пяти рабочих дней.";
        assertTrue(o200k.countText(russian) < cl100k.countText(russian),
                o200k.countText(russian) + " vs " + cl100k.countText(russian));
    }

    @Test
    void specialTokenSpellingsInContentCountAsText() {
        // encode() would refuse this; user data must never make counting fail
        assertTrue(cl100k.countText("a <|endoftext|> b") > 3);
    }

    @Test
    void chatOverheadIsThreePerMessagePlusRolePlusThreeForTheReplyPrimer() {
        List<TextMessage> turns = List.of(
                new TextMessage("user", "hello world", false),
                new TextMessage("assistant", "China is great!", true));
        RecordTokens tokens = cl100k.count(turns);
        // 3 (primer) + [3 + 1 ("user") + 2] + [3 + 1 ("assistant") + 4]
        assertEquals(17, tokens.total());
        assertEquals(4, tokens.trained());
        for (String role : List.of("system", "user", "assistant", "tool")) {
            assertEquals(1, cl100k.countText(role), role);
            assertEquals(1, o200k.countText(role), role);
        }
    }

    @Test
    void trainedCountsEveryTrainedTurnAndNoOther() {
        List<TextMessage> turns = List.of(
                new TextMessage("system", "You answer in JSON.", false),
                new TextMessage("user", "hello world", false),
                new TextMessage("assistant", "first answer", false),
                new TextMessage("user", "again", false),
                new TextMessage("assistant", "second answer here", true));
        RecordTokens tokens = o200k.count(turns);
        assertEquals(o200k.countText("second answer here"), tokens.trained());
        int expected = 3;
        for (TextMessage t : turns) {
            expected += 3 + o200k.countText(t.role()) + o200k.countText(t.text());
        }
        assertEquals(expected, tokens.total());
    }

    @Test
    void labelledExactWithTheCookbookAsBasis() {
        assertFalse(o200k.accuracy().isEstimate());
        assertEquals(0, o200k.accuracy().relativeErrorBound());
        assertTrue(o200k.accuracy().basis().contains("cookbook"));
        assertTrue(o200k.description().startsWith("o200k_base (exact text"));
    }
}
