package dev.refinery.datasets.check;

import dev.refinery.datasets.format.RecordFormat;
import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.targets.Target;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One record checked alone gets the rules a file's line gets, for the target it is checked for. */
class RecordCheckTest {

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}";

    private static RecordCheck.Verdict check(Target target, String record) {
        return new RecordCheck(CheckOptions.builder().target(target).build()).check(record.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> codes(List<Finding> findings) {
        return findings.stream().map(f -> f.rule().code()).toList();
    }

    @Test
    void aValidConversationIsAcceptedWithItsFormat() {
        RecordCheck.Verdict v = check(Target.LOCAL, CHAT);
        assertTrue(v.accepted(), v.errors().toString());
        assertEquals(RecordFormat.CONVERSATION, v.format());
        assertEquals(CHAT, new String(v.line(), StandardCharsets.UTF_8));
    }

    @Test
    void everyProblemComesWithItsRuleAndPath() {
        RecordCheck.Verdict v = check(Target.LOCAL, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"robot\",\"content\":\"x\"}]}");
        assertFalse(v.accepted());
        assertTrue(codes(v.errors()).contains("DATASET_ROLE_UNKNOWN"), v.errors().toString());
        assertEquals("messages[1].role", v.errors().stream().filter(f -> f.rule().code().equals("DATASET_ROLE_UNKNOWN")).findFirst()
                .orElseThrow().path());
        assertNull(v.format(), "a record that breaks the shared rules has no format");
    }

    @Test
    void brokenJsonDuplicateKeysAndNonObjectsAreRefusedLikeAFilesLines() {
        assertEquals(List.of("DATASET_LINE_NOT_JSON"), codes(check(Target.LOCAL, "{\"messages\": [").errors()));
        assertTrue(codes(check(Target.LOCAL, "{\"text\":\"a\",\"text\":\"b\"}").errors()).contains("DATASET_DUPLICATE_KEY"));
        assertEquals(List.of("DATASET_LINE_NOT_OBJECT"), codes(check(Target.LOCAL, "[1,2]").errors()));
        assertEquals(List.of("DATASET_EMPTY"), codes(check(Target.LOCAL, "   ").errors()));
    }

    @Test
    void theCheckedTargetsRulesDecideAndNoOtherTargets() {
        String instruction = "{\"prompt\":\"2+2?\",\"completion\":\"4\"}";
        assertTrue(check(Target.TOGETHER, instruction).accepted(), "Together takes prompt/completion");
        RecordCheck.Verdict fireworks = check(Target.FIREWORKS, instruction);
        assertFalse(fireworks.accepted(), "Fireworks takes conversations and preference data only");
        assertEquals(RecordFormat.INSTRUCTION, fireworks.format());
    }

    @Test
    void lineBreaksBetweenTokensAreWhitespaceAndTheStoredLineHasNone() {
        RecordCheck.Verdict v = check(Target.LOCAL, "{\n  \"messages\": [\r\n {\"role\": \"user\", \"content\": \"hi\"},\n"
                + " {\"role\": \"assistant\", \"content\": \"hello\"}]\n}");
        assertTrue(v.accepted(), v.errors().toString());
        String line = new String(v.line(), StandardCharsets.UTF_8);
        assertFalse(line.contains("\n") || line.contains("\r"), line);
    }

    @Test
    void unknownFieldsAreWarningsNotRefusals() {
        RecordCheck.Verdict v = check(Target.LOCAL, CHAT.substring(0, CHAT.length() - 1) + ",\"source\":\"crm\"}");
        assertTrue(v.accepted(), v.errors().toString());
        assertTrue(codes(v.warnings()).contains("DATASET_UNKNOWN_FIELD"), v.warnings().toString());
    }
}
