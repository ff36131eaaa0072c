package dev.refinery.validation.records;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat record rules, one line at a time (plain JUnit, no Quarkus). */
class ChatRecordValidatorTest {

    private final ChatRecordValidator validator = new ChatRecordValidator();

    private List<RecordProblem> check(String line) {
        return validator.validate(line.getBytes(StandardCharsets.UTF_8));
    }

    private static String codes(List<RecordProblem> problems) {
        return String.join(",", problems.stream().map(p -> p.rule().code() + "@" + p.path()).toList());
    }

    @Test
    void aWellFormedConversationHasNoProblems() {
        assertEquals(List.of(), check("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}"));
        assertEquals(List.of(), check("{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"caf\u00e9\"},"
                + "{\"role\":\"assistant\",\"content\":\"\u6771\u4eac\"},{\"role\":\"user\",\"content\":\"more\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"weight\":0}],\"id\":7}"));
    }

    @Test
    void aLineThatIsNotJsonSaysWhere() {
        List<RecordProblem> p = check("{\"messages\": [ ");
        assertEquals("DATASET_LINE_NOT_JSON@", codes(p));
        assertTrue(p.get(0).message().startsWith("the line is not valid JSON at column"), p.get(0).message());
        assertEquals("DATASET_LINE_NOT_JSON@", codes(check("{\"messages\":[]} {\"messages\":[]}")), "two values on one line");
    }

    @Test
    void aLineThatIsJsonButNotAnObject() {
        List<RecordProblem> p = check("[{\"role\":\"user\"}]");
        assertEquals("DATASET_LINE_NOT_OBJECT@", codes(p));
        assertEquals("the line is a JSON array, not an object", p.get(0).message());
        assertEquals("DATASET_LINE_NOT_OBJECT@", codes(check("\"text\"")));
        assertEquals("DATASET_LINE_NOT_OBJECT@", codes(check("null")));
    }

    @Test
    void messagesMustBeANonEmptyArray() {
        assertEquals("DATASET_MESSAGES_MISSING@messages", codes(check("{\"prompt\":\"hi\",\"completion\":\"there\"}")));
        assertEquals("DATASET_MESSAGES_MISSING@messages", codes(check("{\"messages\":\"hi\"}")));
        assertEquals("DATASET_MESSAGES_EMPTY@messages", codes(check("{\"messages\":[]}")));
    }

    @Test
    void everyBadMessageOfARecordIsReportedAtOnce() {
        List<RecordProblem> p = check("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"Assistant\",\"content\":\"b\"},"
                + "{\"role\":\"user\",\"content\":3},{\"role\":\"bot\"}]}");
        assertEquals("DATASET_ROLE_UNKNOWN@messages[1].role,DATASET_CONTENT_NOT_STRING@messages[2].content,"
                + "DATASET_ROLE_UNKNOWN@messages[3].role,DATASET_CONTENT_NOT_STRING@messages[3].content,"
                + "DATASET_NO_ASSISTANT_TURN@messages", codes(p));
        assertEquals("role \"Assistant\" is not one of \"system\", \"user\", \"assistant\"", p.get(0).message());
        assertEquals("content must be a string, found a number", p.get(1).message());
        assertEquals(Rule.ROLE_UNKNOWN.hint(), p.get(0).hint());
    }

    @Test
    void aMessageThatIsNotAnObject() {
        assertEquals("DATASET_MESSAGE_NOT_OBJECT@messages[1]",
                codes(check("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},\"assistant: b\",{\"role\":\"assistant\",\"content\":\"c\"}]}")));
    }

    @Test
    void rolesMustAlternateStartingWithUserAfterAnOptionalSystemMessage() {
        List<RecordProblem> p = check("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"},"
                + "{\"role\":\"assistant\",\"content\":\"c\"}]}");
        assertEquals("DATASET_ROLE_ORDER@messages[1].role", codes(p));
        assertEquals("expected \"assistant\" after \"user\" but found \"user\"", p.get(0).message());

        assertEquals("DATASET_ROLE_ORDER@messages[0].role", codes(check(
                "{\"messages\":[{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]}")));
        assertEquals("DATASET_ROLE_ORDER@messages[1].role", codes(check(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"assistant\",\"content\":\"a\"}]}")));
        List<RecordProblem> lateSystem = check("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"},"
                + "{\"role\":\"system\",\"content\":\"s\"}]}");
        assertEquals("DATASET_ROLE_ORDER@messages[2].role", codes(lateSystem));
        assertEquals("a \"system\" message may only be the first message", lateSystem.get(0).message());
    }

    @Test
    void aConversationWithoutAnAssistantTurn() {
        assertEquals("DATASET_NO_ASSISTANT_TURN@messages", codes(check("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}")));
        assertEquals("DATASET_NO_ASSISTANT_TURN@messages", codes(check(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"a\"}]}")));
    }

    @Test
    void invalidUtf8IsReportedWithTheByteWhereItStarts() {
        byte[] good = "{\"messages\":[{\"role\":\"user\",\"content\":\"caf".getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[good.length + 3];
        System.arraycopy(good, 0, line, 0, good.length);
        line[good.length] = (byte) 0xE9; // Latin-1 'é', not UTF-8
        line[good.length + 1] = '"';
        line[good.length + 2] = '}';
        List<RecordProblem> p = validator.validate(line);
        assertEquals("DATASET_LINE_NOT_UTF8@", codes(p));
        assertEquals("the line is not valid UTF-8: bad byte sequence at byte " + (good.length + 1) + " of the line", p.get(0).message());
    }

    @Test
    void onlyTheGivenRangeOfTheBufferIsRead() {
        byte[] buffer = "xx{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}yy"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(), validator.validate(buffer, 2, buffer.length - 4));
    }
}
