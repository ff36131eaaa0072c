package dev.refinery.engine.tokenizer;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Llama2cTokenizerTest {

    private static final Llama2cTokenizer TOK = Llama2cTokenizer.load(RepoFiles.stories260kTokenizer(), 512);

    // Expected ids computed with a direct transcription of run.c's O(n^2) encode() over tok512.bin.
    @Test
    void encodesOnceUponATimeAsRunCDoes() {
        int[] ids = TOK.encode("Once upon a time");
        assertArrayEquals(new int[] {403, 407, 261, 378}, ids);
        assertEquals(" Once", TOK.piece(403));
        assertEquals("Once upon a time", TOK.decode(ids));
    }

    @Test
    void matchesRunCOnAccentsCjkEmojiAndSpaces() {
        assertArrayEquals(new int[] {320, 485, 306, 414, 263, 198, 185, 420, 341, 432, 280, 412, 431, 485},
                TOK.encode("Héllo wörld, café"));
        assertArrayEquals(new int[] {410, 233, 154, 168, 233, 159, 175, 235, 173, 161}, TOK.encode("日本語"));
        assertArrayEquals(new int[] {270, 417, 410, 243, 162, 155, 131, 443}, TOK.encode("hi 😀!"));
        assertArrayEquals(new int[] {410, 410, 259, 424, 414, 410, 262, 427, 412, 331, 419, 410},
                TOK.encode("  two  spaces "));
        assertArrayEquals(new int[] {317, 269, 326, 337, 266, 426}, TOK.encode("Lily and Tim played."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Once upon a time", "Héllo wörld, café", "日本語のテキスト", "emoji 😀🎉 end",
            "  leading and trailing  ", "line\nbreaks\tand tabs", "", "<s> is text here </s>"})
    void decodeReturnsTheEncodedText(String text) {
        assertEquals(text, TOK.decode(TOK.encode(text)));
    }

    @Test
    void chunkByChunkEncodingWithItsCacheGivesTheWholeTextIds() throws IOException {
        java.util.Random random = new java.util.Random(42);
        String[] parts = {" ", "  ", "   ", "\n", "\t", "Once", " upon", " a", " time", "Lily", ",", ".", "!", "é", "日本", "😀", "\uD800",
                "\uDC00", "<s>", "x".repeat(70), " ".repeat(70), "the", " the", "The", "\u0301", "ab  cd", "a b c",
                " abcdefghijklmX", " abcdefghijklmY", " abcdefghijklmnopqrstuvwxyz", " abcdefghijklmnopqrstuvwxyZ", "x".repeat(64), "y".repeat(65)};
        java.util.List<String> texts = new java.util.ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < 1 + random.nextInt(40); k++) {
                text.append(parts[random.nextInt(parts.length)]);
            }
            texts.add(text.toString());
        }
        try (var files = Files.walk(RepoFiles.repoRoot())) {
            for (Path md : files.filter(f -> f.toString().endsWith(".md") && !f.toString().contains("/target/")).toList()) {
                texts.addAll(java.util.List.of(Files.readString(md).split("\n\n")));
            }
        }
        for (int round = 0; round < 2; round++) { // the second round comes from the cache
            for (String text : texts) {
                assertArrayEquals(TOK.encodeUnchunked(text), TOK.encode(text), text);
            }
        }
    }

    @Test
    void aShortNewChunkAtTheEndOfTheLongestTextYetIsCached() {
        Llama2cTokenizer fresh = Llama2cTokenizer.load(RepoFiles.stories260kTokenizer(), 512);
        String text = "a".repeat(4996) + " zq"; // the thread's buffer is exactly this long, and " zq" is its last, uncached chunk
        assertArrayEquals(fresh.encodeUnchunked(text), fresh.encode(text));
        assertArrayEquals(fresh.encodeUnchunked(text), fresh.encode(text), "and again from the cache");
    }

    @Test
    void emptyTextHasNoTokens() {
        assertEquals(0, TOK.encode("").length);
    }

    @Test
    void unpairedSurrogateBecomesReplacementCharacter() {
        String broken = "a\uD800b";
        assertEquals("a\uFFFDb", TOK.decode(TOK.encode(broken)));
    }

    @Test
    void bytesFallBackToByteTokens() {
        int[] ids = TOK.encode("😀");
        // dummy prefix " " then F0 9F 98 80 as byte tokens, id = byte + 3
        assertArrayEquals(new int[] {410, 0xF0 + 3, 0x9F + 3, 0x98 + 3, 0x80 + 3}, ids);
        assertArrayEquals(new byte[] {(byte) 0xF0}, TOK.tokenBytes(0xF0 + 3));
    }

    @Test
    void specialTokensAreRecognisedOnlyWhenAsked() {
        assertArrayEquals(new int[] {1, 403, 2}, TOK.encodeWithSpecialTokens("<s>Once</s>"));
        assertFalse(Arrays.stream(TOK.encode("<s>Once</s>")).anyMatch(id -> id == 1 || id == 2));
        assertEquals(1, TOK.tokenId("<s>").orElseThrow());
        assertEquals(2, TOK.tokenId("</s>").orElseThrow());
        assertEquals(403, TOK.tokenId(" Once").orElseThrow());
        assertTrue(TOK.tokenId("no such piece").isEmpty());
        assertEquals(0, TOK.tokenBytes(1).length);
        assertTrue(TOK.isSpecial(2));
        assertFalse(TOK.isSpecial(403));
    }

    @Test
    void continuationLeavesOutTheDummyPrefix() {
        // Without the dummy prefix " Once" is the single piece " Once"; with it, "  Once" needs two tokens.
        assertArrayEquals(new int[] {403}, TOK.encodeContinuation(" Once", true));
        assertArrayEquals(new int[] {410, 403}, TOK.encode(" Once"));
        int[] joined = IntArrays.concat(java.util.List.of(TOK.encode("Lily said"), TOK.encodeContinuation(" Once", true)));
        assertEquals("Lily said Once", TOK.decode(joined));
        // Text after a special token is a fresh start again, with its dummy prefix.
        assertArrayEquals(new int[] {1, 410, 403}, TOK.encodeContinuation("<s> Once", true));
        int[] asText = TOK.encodeContinuation("<s> Once", false);
        assertFalse(Arrays.stream(asText).anyMatch(id -> id == 1));
        assertEquals("<s> Once", TOK.decode(asText));
    }

    @Test
    void decodeDropsTheSpaceAfterBosAsRunCDoes() {
        assertEquals("Once upon", TOK.decode(new int[] {1, 403, 407}));
        assertEquals("Once upon", TOK.decode(new int[] {403, 407}));
        assertEquals("a upon", TOK.decode(new int[] {412, 407}));
    }

    @Test
    void fileWithFewerTokensThanTheModelIsRejected() {
        EngineException.TokenizerMismatch e = assertThrows(EngineException.TokenizerMismatch.class,
                () -> Llama2cTokenizer.load(RepoFiles.stories260kTokenizer(), 32000));
        assertTrue(e.getMessage().contains("ends after 512 tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("32000"), e.getMessage());
    }

    @Test
    void fileWithMoreTokensThanTheModelIsRejected() {
        EngineException.TokenizerMismatch e = assertThrows(EngineException.TokenizerMismatch.class,
                () -> Llama2cTokenizer.load(RepoFiles.stories260kTokenizer(), 500));
        assertTrue(e.getMessage().contains("larger than the model's vocab_size"), e.getMessage());
    }

    @Test
    void truncatedTokenIsRejected(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(RepoFiles.stories260kTokenizer());
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(full, full.length - 2));
        assertThrows(EngineException.TokenizerMismatch.class, () -> Llama2cTokenizer.load(cut, 512));
    }

    @Test
    void mergesFollowScoresAndTiesGoLeft(@TempDir Path dir) throws IOException {
        Path file = writeTokenizer(dir, new String[] {"<unk>", "\n<s>\n", "\n</s>\n", " ", "a", "b", "aa", "ab", " a"},
                new float[] {0, 0, 0, -5, -6, -7, -1, -2, -3});
        Llama2cTokenizer tok = Llama2cTokenizer.load(file, 9);
        // " ab": " a" scores -3 and "ab" -2, so "ab" merges and " a" never forms.
        assertArrayEquals(new int[] {3, 7}, tok.encode("ab"));
        // " aaa": both "aa" pairs score -1; the left one merges first, leaving " ", "aa", "a"
        // (merging the right one first would have led to " a", "aa").
        assertArrayEquals(new int[] {3, 6, 4}, tok.encode("aaa"));
    }

    static Path writeTokenizer(Path dir, String[] pieces, float[] scores) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(8)));
        for (int i = 0; i < pieces.length; i++) {
            byte[] b = pieces[i].getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(scores[i]).putInt(b.length)));
            out.writeBytes(b);
        }
        Path file = dir.resolve("tok.bin");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] le(ByteBuffer buffer) {
        return buffer.array();
    }
}
