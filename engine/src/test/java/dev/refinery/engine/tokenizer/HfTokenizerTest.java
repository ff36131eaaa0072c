package dev.refinery.engine.tokenizer;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.refinery.engine.tokenizer.HfFixtures.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected ids were worked out by hand from the fixtures' merge ranks and agree with the reference
 * Rust implementation (Hugging Face tokenizers 0.23) run on the same files.
 */
class HfTokenizerTest {

    private static final HfTokenizer GPT2 = load(byteLevel(ByteLevelStyle.GPT2, false));
    private static final HfTokenizer LLAMA3 = load(byteLevel(ByteLevelStyle.LLAMA3, true));
    private static final HfTokenizer QWEN2 = load(byteLevel(ByteLevelStyle.QWEN2, false));
    private static final HfTokenizer LLAMA2 = load(metaspace(false));
    private static final HfTokenizer METASPACE = load(metaspace(true));

    private static final List<String> SAMPLES = List.of("the cat", "Hello, world!", "  two  spaces  ", "line\n\nbreak\r\n",
            "thé café", "日本語のテキスト", "emoji 😀👍🏽 ok", "tab\tand\u00a0nbsp", "");

    @Test
    void byteLevelAppliesMergesByRankWithinWords() {
        // "the" -> t + (h e); " cat" -> (Ġ c) + (a t) -> Ġcat
        assertArrayEquals(new int[] {b('t'), HE, GCAT}, GPT2.encode("the cat"));
        // " the": Ġt (rank 0) then he (rank 1) then Ġt+he (rank 2)
        assertArrayEquals(new int[] {b('a'), GTHE}, GPT2.encode("a the"));
        assertArrayEquals(new int[] {b('t'), HE, b(' '), GCAT}, GPT2.encode("the  cat"));
    }

    @Test
    void mergesWrittenAsPairsOrStringsAreTheSame() {
        HfTokenizer pairs = load(byteLevel(ByteLevelStyle.GPT2, true));
        for (String s : SAMPLES) {
            assertArrayEquals(GPT2.encode(s), pairs.encode(s), s);
        }
    }

    @Test
    void llama3SplitPatternIsCaseInsensitiveForContractionsAndGroupsDigitsByThree() {
        assertArrayEquals(new int[] {b('H'), b('E'), APOS_S, b(' '), HE, b('r'), b('e')}, LLAMA3.encode("HE'S here"));
        // GPT-2's pattern only knows lower-case 's, so ' and S are separate words there.
        assertArrayEquals(new int[] {b('H'), b('E'), b('\''), b('S'), b(' '), HE, b('r'), b('e')}, GPT2.encode("HE'S here"));
        assertArrayEquals(new int[] {b('1'), b('2'), b('3'), b('4'), b('5')}, LLAMA3.encode("12345"));
        assertArrayEquals(new int[] {b('1'), b('2'), D34, b('5')}, GPT2.encode("12345"));
        assertArrayEquals(new int[] {b(' '), D34, b('3'), b('4')}, LLAMA3.encode(" 3434"));
        assertArrayEquals(new int[] {b(' '), b('3'), b('4'), b('3'), b('4')}, QWEN2.encode(" 3434"));
    }

    @Test
    void newlinesFormOneWordOnlyWithTheNewerPatterns() {
        assertArrayEquals(new int[] {b('l'), IN, b('e'), NLNL, b('x')}, LLAMA3.encode("line\n\nx"));
        assertArrayEquals(new int[] {b('l'), IN, b('e'), b('\n'), b('\n'), b('x')}, GPT2.encode("line\n\nx"));
    }

    @Test
    void qwen2NormalizesToNfcBeforeSplitting() {
        assertArrayEquals(new int[] {0xC3, 0xA9}, QWEN2.encode("e\u0301"));
        assertArrayEquals(new int[] {b('e'), 0xCC, 0x81}, LLAMA3.encode("e\u0301"));
    }

    @Test
    void specialTokensAreSplitOnlyWhenAsked() {
        String chat = "<|im_start|>user\nthe cat<|im_end|>\n";
        assertArrayEquals(new int[] {IM_START, b('u'), b('s'), b('e'), b('r'), b('\n'), b('t'), HE, GCAT, IM_END, b('\n')},
                QWEN2.encodeWithSpecialTokens(chat));
        int[] plain = QWEN2.encode(chat);
        assertFalse(Arrays.stream(plain).anyMatch(id -> id == IM_START || id == IM_END));
        assertEquals(chat, QWEN2.decode(plain));
        assertEquals("user\nthe cat\n", QWEN2.decode(QWEN2.encodeWithSpecialTokens(chat)));
    }

    @Test
    void nonSpecialAddedTokensAreAlwaysMatchedAndDecoded() {
        assertArrayEquals(new int[] {b('a'), b(' '), THINK, b(' '), b('b')}, GPT2.encode("a <think> b"));
        assertEquals("a <think> b", GPT2.decode(GPT2.encode("a <think> b")));
        assertFalse(GPT2.isSpecial(THINK));
        assertTrue(GPT2.isSpecial(IM_END));
    }

    @Test
    void llama2StyleNormalizerPrependsAndReplacesSpaces() {
        // "▁the▁cat": ▁t, he, ▁the, ▁c, at, ▁cat
        assertArrayEquals(new int[] {M_THE, M_CAT}, LLAMA2.encode("the cat"));
        // é is not in the vocabulary: its UTF-8 bytes C3 A9 fall back to <0xC3> <0xA9>.
        assertArrayEquals(new int[] {M_GT, M_H, byteToken(0xC3), byteToken(0xA9)}, LLAMA2.encode("thé"));
        assertEquals("thé", LLAMA2.decode(LLAMA2.encode("thé")));
        // Each stretch between special tokens gets its own "▁", as in Hugging Face.
        assertArrayEquals(new int[] {1, M_THE, M_CAT, 2}, LLAMA2.encodeWithSpecialTokens("<s>the cat</s>"));
        // "▁▁the": "▁ t" (rank 0) merges before "▁ ▁" (rank 6), leaving the first ▁ alone.
        assertArrayEquals(new int[] {M_SPACE, M_THE}, LLAMA2.encode(" the"));
        assertArrayEquals(new int[] {M_SPSP}, LLAMA2.encode(" "));
    }

    @Test
    void metaspacePreTokenizerWithFirstSchemePrependsOnlyAtTheStart() {
        assertArrayEquals(new int[] {M_THE, M_CAT}, METASPACE.encode("the cat"));
        assertArrayEquals(new int[] {1, M_T, M_HE, M_CAT, 2}, METASPACE.encodeWithSpecialTokens("<s>the cat</s>"));
        assertEquals("the cat", METASPACE.decode(METASPACE.encode("the cat")));
    }

    @Test
    void continuationLeavesOutThePrefix() {
        assertArrayEquals(new int[] {M_T, M_HE, M_CAT}, LLAMA2.encodeContinuation("the cat", true));
        assertArrayEquals(new int[] {M_T, M_HE, M_CAT}, METASPACE.encodeContinuation("the cat", true));
        int[] joined = IntArrays.concat(List.of(LLAMA2.encode("a "), LLAMA2.encodeContinuation("the cat", true)));
        assertEquals("a the cat", LLAMA2.decode(joined));
        assertArrayEquals(GPT2.encode("the cat"), GPT2.encodeContinuation("the cat", true));
        // Without special tokens, marker spellings stay text in a continuation too.
        // Text after a special token starts afresh and gets its "▁" again.
        assertArrayEquals(new int[] {1, M_THE}, LLAMA2.encodeContinuation("<s>the", true));
        assertFalse(Arrays.stream(LLAMA2.encodeContinuation("<s>the", false)).anyMatch(id -> id == 1));
    }

    @ParameterizedTest
    @EnumSource(ByteLevelStyle.class)
    void byteLevelDecodeReturnsTheText(ByteLevelStyle style) {
        HfTokenizer tok = load(byteLevel(style, false));
        for (String s : SAMPLES) {
            assertEquals(style == ByteLevelStyle.QWEN2 ? java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC) : s,
                    tok.decode(tok.encode(s)), s);
        }
    }

    @Test
    void llama2StyleDecodeReturnsTheText() {
        for (String s : SAMPLES) {
            assertEquals(s, LLAMA2.decode(LLAMA2.encode(s)), s);
        }
    }

    @Test
    void longTextsWithoutPreTokenizerEncodeTheSameEveryTime() {
        // Llama 2 style files have no pre-tokenizer: the whole text is one BPE word, too long to cache.
        String text = "the cat thé ".repeat(200);
        int[] first = LLAMA2.encode(text);
        assertArrayEquals(first, LLAMA2.encode(text));
        assertEquals(text, LLAMA2.decode(first));
        assertEquals(400, Arrays.stream(first).filter(id -> id == M_CAT || id == M_GT).count());
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharacters() {
        String broken = "a\uD83Db\uDE00";
        assertEquals("a\uFFFDb\uFFFD", GPT2.decode(GPT2.encode(broken)));
        assertEquals("a\uFFFDb\uFFFD", LLAMA2.decode(LLAMA2.encode(broken)));
    }

    @Test
    void tokenBytesAreTheRawBytesOfOneToken() {
        assertArrayEquals(utf8(" cat"), GPT2.tokenBytes(GCAT));
        assertArrayEquals(new byte[] {(byte) 0xF0}, GPT2.tokenBytes(0xF0));
        assertArrayEquals(new byte[0], GPT2.tokenBytes(IM_START));
        assertArrayEquals(utf8(" cat"), LLAMA2.tokenBytes(M_CAT));
        assertArrayEquals(new byte[] {(byte) 0xC3}, LLAMA2.tokenBytes(byteToken(0xC3)));
        assertThrows(EngineException.InvalidArgument.class, () -> GPT2.tokenBytes(GPT2.vocabSize()));
    }

    @Test
    void vocabularyAndTokenLookups() {
        assertEquals(272, GPT2.vocabSize());
        assertEquals(IM_START, GPT2.tokenId("<|im_start|>").orElseThrow());
        assertEquals(GCAT, GPT2.tokenId("Ġcat").orElseThrow());
        assertTrue(GPT2.tokenId("cat").isEmpty());
        assertEquals(272, LLAMA2.vocabSize());
    }

    @Test
    void bosAndEosAreGuessedFromCommonSpellings() {
        assertEquals(1, LLAMA2.bosId());
        assertEquals(2, LLAMA2.eosId());
        assertEquals(-1, GPT2.bosId());
        assertEquals(ENDOFTEXT, GPT2.eosId());
    }

    @Test
    void bosAndEosComeFromTokenizerConfigWhenPresent(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), byteLevel(ByteLevelStyle.QWEN2, false));
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\": null, \"eos_token\": {\"content\": \"<|im_end|>\", \"special\": true}}");
        HfTokenizer tok = HfTokenizer.load(dir);
        assertEquals(-1, tok.bosId());
        assertEquals(IM_END, tok.eosId());
    }

    @Test
    void configNamingAnUnknownTokenIsAMismatch() {
        HfTokenizerConfig config = HfTokenizerConfig.parse("{\"eos_token\": \"<|eot_id|>\"}", "tokenizer_config.json");
        EngineException e = assertThrows(EngineException.TokenizerMismatch.class,
                () -> HfTokenizer.parse(byteLevel(ByteLevelStyle.GPT2, false), config, "t.json"));
        assertTrue(e.getMessage().contains("<|eot_id|>"), e.getMessage());
    }

    @Test
    void unsupportedModelTypesAreRejectedByName() {
        for (String type : new String[] {"Unigram", "WordPiece", "WordLevel"}) {
            String json = "{\"model\": {\"type\": \"" + type + "\", \"vocab\": []}}";
            EngineException e = assertThrows(EngineException.TokenizerMismatch.class, () -> load(json));
            assertTrue(e.getMessage().contains(type) && e.getMessage().contains("not supported"), e.getMessage());
        }
    }

    @Test
    void malformedFilesAreRejectedWithWhatIsWrong() {
        assertMismatch("{not json", "not valid JSON");
        assertMismatch("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}", "\"b\" is not in model.vocab");
        assertMismatch("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"ab\"]}}", "merges[0]");
        assertMismatch("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"x\"}}}", "model.vocab[\"a\"]");
        assertMismatch("{\"normalizer\": {\"type\": \"BertNormalizer\"}, \"model\": {\"type\": \"BPE\", \"vocab\": {}}}", "BertNormalizer");
        assertMismatch("{\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"(\"}}, \"model\": {\"type\": \"BPE\", \"vocab\": {}}}",
                "not supported by java.util.regex");
        assertMismatch("{\"model\": {\"type\": \"BPE\", \"vocab\": {}}, \"added_tokens\": [{\"content\": \"x\"}]}", "added_tokens[0]");
    }

    private static void assertMismatch(String json, String expected) {
        EngineException e = assertThrows(EngineException.TokenizerMismatch.class, () -> load(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("test tokenizer.json"), e.getMessage());
    }
}
