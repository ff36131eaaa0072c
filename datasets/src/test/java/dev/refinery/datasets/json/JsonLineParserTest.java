package dev.refinery.datasets.json;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLineParserTest {

    private final JsonLineParser parser = new JsonLineParser(16);

    private JsonProblem problem(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        assertNull(parser.parse(b, 0, b.length), json);
        return parser.problem();
    }

    private static boolean jdkSaysUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void utf8InsideStringsIsCheckedExactlyLikeTheJdkDecoder() {
        Random random = new Random(7);
        byte[] line = new byte[8];
        for (int n = 0; n < 300_000; n++) {
            line[0] = '"';
            line[7] = '"';
            for (int k = 1; k < 7; k++) {
                int r = random.nextInt(4);
                line[k] = (byte) (r == 0 ? 'a' + random.nextInt(26) : 0x80 + random.nextInt(0x80));
            }
            byte[] content = java.util.Arrays.copyOfRange(line, 1, 7);
            JsonTape tape = parser.parse(line, 0, line.length);
            boolean ok = tape != null;
            if (ok != jdkSaysUtf8(content)) {
                throw new AssertionError("disagreement on " + java.util.HexFormat.of().formatHex(content) + ": parser says " + ok);
            }
        }
    }

    private java.util.List<JsonProblem> readableProblems(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        assertNotNull(parser.parse(b, 0, b.length), () -> json + ": " + parser.problem());
        return parser.readableProblems();
    }

    @Test
    void aDuplicatedKeyIsPlacedAtItsOwnPathAndTheLineIsStillRead() {
        String line = "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"role\": \"assistant\", \"content\": \"a\"}]}";
        java.util.List<JsonProblem> found = readableProblems(line);
        assertEquals(1, found.size());
        assertEquals(JsonProblem.Kind.DUPLICATE_KEY, found.get(0).kind());
        assertEquals("messages[1].role", found.get(0).path(), "the path names the repeated key, not the one before it");
        assertEquals(line.lastIndexOf("\"role\""), found.get(0).byteOffset(), "the offset is the repeated key's opening quote");
    }

    @Test
    void loneSurrogateEscapesAreFoundAndPairsAreText() {
        assertEquals(java.util.List.of(), readableProblems("{\"text\": \"smile \\ud83d\\ude00\"}"));
        for (String lone : java.util.List.of("\\ud800", "\\udc00", "\\ud800x", "\\ud800\\u0041", "\\ud800\\ud800\\udc00")) {
            java.util.List<JsonProblem> found = readableProblems("{\"text\": \"a" + lone + "b\"}");
            assertEquals(1, found.size(), lone);
            assertEquals(JsonProblem.Kind.LONE_SURROGATE, found.get(0).kind(), lone);
            assertEquals("text", found.get(0).path(), lone);
        }
    }

    @Test
    void nestingIsLimitedByChoiceNotByTheStack() {
        int levels = 1_000_000;
        byte[] deep = ("[".repeat(levels) + "]".repeat(levels)).getBytes(StandardCharsets.US_ASCII);
        JsonTape tape = new JsonLineParser(levels).parse(deep, 0, deep.length);
        assertNotNull(tape, "a million levels are read when the limit allows them, without a stack overflow");
        assertEquals(levels, tape.size);
        JsonLineParser limited = new JsonLineParser(levels - 1);
        assertNull(limited.parse(deep, 0, deep.length));
        assertEquals(JsonProblem.Kind.TOO_DEEP, limited.problem().kind());
    }

    @Test
    void aSecondRecordAfterABareCarriageReturnSaysTheLineEndingsAreCrAlone() {
        JsonProblem p = problem("{\"text\": \"a\"}\r{\"text\": \"b\"}\r");
        assertEquals(JsonProblem.Kind.TRAILING_DATA, p.kind());
        assertTrue(p.message().contains("CR alone"), p.message());
    }

    @Test
    void problemsNameTheirKindPlaceAndPath() {
        assertEquals(JsonProblem.Kind.TRAILING_DATA, problem("{} {}").kind());
        assertFalse(problem("{} {}").message().contains("CR"));
        assertEquals(JsonProblem.Kind.UNEXPECTED_END, problem("{\"a\": [1, 2").kind());
        JsonProblem comma = problem("{\"messages\": [{\"role\": \"user\",}]}");
        assertEquals(JsonProblem.Kind.SYNTAX, comma.kind());
        assertEquals("messages[0].role", comma.path());
        assertEquals(JsonProblem.Kind.TOO_DEEP, new JsonLineParser(2).parse("[[[1]]]".getBytes(), 0, 7) == null
                ? JsonProblem.Kind.TOO_DEEP : null);
        assertEquals(JsonProblem.Kind.SYNTAX, problem("{\"a\": 01}").kind());
        assertEquals(JsonProblem.Kind.SYNTAX, problem("{\"a\": \"tab\there\"}").kind());
        assertEquals(JsonProblem.Kind.SYNTAX, problem("{\"a\": \"\\x\"}").kind());
        assertEquals(JsonProblem.Kind.SYNTAX, problem("{'a': 1}").kind());
    }

    @Test
    void valuesAreReadWithoutCopies() {
        byte[] b = "{\"k\": \"caf\\u00e9\", \"n\": -12, \"x\": 1.5e3, \"t\": true}".getBytes(StandardCharsets.UTF_8);
        JsonTape tape = parser.parse(b, 0, b.length);
        assertNotNull(tape);
        assertEquals("café", tape.string(tape.get(0, "k".getBytes())));
        assertEquals(-12, tape.longValue(tape.get(0, "n".getBytes())));
        assertEquals(1500.0, tape.doubleValue(tape.get(0, "x".getBytes())));
        assertEquals(JsonTape.TRUE, tape.kind(tape.get(0, "t".getBytes())));
        assertEquals(4, tape.size(0));
    }
}
