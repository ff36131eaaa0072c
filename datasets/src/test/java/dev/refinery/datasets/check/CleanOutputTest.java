package dev.refinery.datasets.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.datasets.split.Split;
import dev.refinery.datasets.split.SplitPolicy;
import dev.refinery.datasets.targets.Target;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validated output for a target is a file that target takes, and the verdict says what its own check would refuse in the raw one. */
class CleanOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What Together's check_file does to each line, as far as these tests need it: the file read as text with
     * Python's universal newlines (a bare CR ends a line), every line json.loads'ed (a BOM or a blank line
     * fails), and only the format's keys at the top (plus tools for conversations).
     */
    private static List<String> togetherCheckProblems(byte[] file, Set<String> allowedKeys) {
        List<String> problems = new ArrayList<>();
        String text = new String(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i == lines.length - 1 && line.isEmpty()) {
                break; // the newline that ends the last line
            }
            try {
                if (line.startsWith("\uFEFF")) {
                    throw new IOException("Unexpected UTF-8 BOM");
                }
                JsonNode record = JSON.readTree(line);
                if (record == null || !record.isObject()) {
                    throw new IOException("not an object");
                }
                for (Iterator<String> keys = record.fieldNames(); keys.hasNext(); ) {
                    String key = keys.next();
                    if (!allowedKeys.contains(key)) {
                        problems.add("line " + (i + 1) + ": Found extra column \"" + key + "\"");
                    }
                }
            } catch (IOException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return problems;
    }

    private static byte[] file(String... lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : lines) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    private record Checked(DatasetReport report, byte[] output) {
    }

    private static Checked check(byte[] file, Target target) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        DatasetReport report = new DatasetChecker(CheckOptions.builder().target(target).splits(new SplitPolicy(100, 0, 0)).build())
                .check(new ByteArrayInputStream(file), (split, bytes, off, len) -> {
                    output.write(bytes, off, len);
                    output.write('\n');
                }).report();
        return new Checked(report, output.toByteArray());
    }

    private static final String TOOLS_RECORD = "{\"messages\": [{\"role\": \"user\", \"content\": \"weather in Paris?\"},"
            + " {\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}}]},"
            + " {\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"18C\"}, {\"role\": \"assistant\", \"content\": \"It is 18C.\"}],"
            + " \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"weather\", \"parameters\": {\"type\": \"object\"}}}],"
            + " \"parallel_tool_calls\": false}";

    @Test
    void carriageReturnsBetweenTokensAreLeftOutOfTheOutputAndEscapedOnesKept() throws IOException {
        String record = "{\"messages\":\r[{\"role\": \"user\",\r\"content\": \"line one\\r\\nline two\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}";
        Checked checked = check(file(record), Target.TOGETHER);
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"line one\\r\\nline two\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}\n",
                new String(checked.output(), StandardCharsets.UTF_8));
        assertEquals(1L, DatasetCheckerTest.rule(checked.report(), "DATASET_CARRIAGE_RETURN").count());
        assertFalse(togetherCheckProblems(file(record), Set.of("messages", "tools")).isEmpty(), "the raw file is cut at the CR");
        assertEquals(List.of(), togetherCheckProblems(checked.output(), Set.of("messages", "tools")));
    }

    @Test
    void togetherKeepsToolsAndToolCallsAndLeavesParallelToolCallsOut() throws IOException {
        Checked together = check(file(TOOLS_RECORD), Target.TOGETHER);
        assertTrue(together.report().accepted(), () -> together.report().problems().toString());
        JsonNode kept = JSON.readTree(together.output());
        assertTrue(kept.has("tools"));
        assertTrue(kept.get("messages").get(1).has("tool_calls"));
        assertFalse(kept.has("parallel_tool_calls"));
        assertEquals(List.of(), togetherCheckProblems(together.output(), Set.of("messages", "tools")));
        assertEquals("parallel_tool_calls", DatasetCheckerTest.rule(together.report(), "DATASET_UNKNOWN_FIELD").samples().get(0).path());

        Checked openai = check(file(TOOLS_RECORD), Target.OPENAI);
        assertTrue(JSON.readTree(openai.output()).has("parallel_tool_calls"), "OpenAI's format has it: kept");
        assertNull(DatasetCheckerTest.rule(openai.report(), "DATASET_UNKNOWN_FIELD"));
    }

    @Test
    void consecutiveToolResultsAreRefusedForTogetherOnly() throws IOException {
        String twoResults = "{\"messages\": [{\"role\": \"user\", \"content\": \"weather in Paris and Rome?\"},"
                + " {\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"weather\", \"arguments\": \"{}\"}},"
                + " {\"id\": \"c2\", \"type\": \"function\", \"function\": {\"name\": \"weather\", \"arguments\": \"{}\"}}]},"
                + " {\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"18C\"}, {\"role\": \"tool\", \"tool_call_id\": \"c2\", \"content\": \"21C\"},"
                + " {\"role\": \"assistant\", \"content\": \"18C and 21C.\"}]}";
        DatasetReport report = check(file(twoResults), Target.OPENAI).report();
        Map<String, DatasetReport.TargetVerdict> verdicts = report.targets().stream()
                .collect(Collectors.toMap(DatasetReport.TargetVerdict::target, v -> v));
        assertFalse(verdicts.get("together").accepted());
        assertEquals("DATASET_ROLE_ORDER", verdicts.get("together").reasons().get(0).code());
        assertEquals(List.of("DATASET_TOO_FEW_RECORDS"), verdicts.get("openai").reasons().stream().map(DatasetReport.Reason::code).toList(),
                "OpenAI takes parallel tool results");
        assertTrue(verdicts.get("fireworks").reasons().stream().noneMatch(r -> r.code().equals("DATASET_ROLE_ORDER")));
    }

    @Test
    void aVerdictSaysWhatTheProvidersOwnCheckWouldRefuseInTheRawFile() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        raw.write(file(DatasetCheckerTest.chat(1),
                "",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}], \"source\": \"crm\"}",
                "{\"messages\":\r[{\"role\": \"user\", \"content\": \"q2\"}, {\"role\": \"assistant\", \"content\": \"a2\"}]}",
                TOOLS_RECORD));
        Checked checked = check(raw.toByteArray(), Target.TOGETHER);
        assertTrue(checked.report().accepted(), () -> checked.report().problems().toString());
        Map<String, DatasetReport.TargetVerdict> verdicts = checked.report().targets().stream()
                .collect(Collectors.toMap(DatasetReport.TargetVerdict::target, v -> v));

        DatasetReport.TargetVerdict together = verdicts.get("together");
        assertTrue(together.providerCheck().startsWith("together files check"));
        Map<String, DatasetReport.Reason> refused = together.providerCheckRefuses().stream()
                .collect(Collectors.toMap(DatasetReport.Reason::code, r -> r));
        assertEquals(Set.of("DATASET_BLANK_LINE", "DATASET_BYTE_ORDER_MARK", "DATASET_CARRIAGE_RETURN", "DATASET_UNKNOWN_FIELD"), refused.keySet());
        assertEquals(2L, refused.get("DATASET_BLANK_LINE").firstLine());
        assertEquals(2, refused.get("DATASET_UNKNOWN_FIELD").count(), "the unknown key and, for Together, parallel_tool_calls");
        assertEquals(3L, refused.get("DATASET_UNKNOWN_FIELD").firstLine());

        assertEquals(Set.of("DATASET_BLANK_LINE", "DATASET_BYTE_ORDER_MARK", "DATASET_CARRIAGE_RETURN"), verdicts.get("openai").providerCheckRefuses()
                .stream().map(DatasetReport.Reason::code).collect(Collectors.toSet()), "the cookbook's script does not check top-level keys");
        assertEquals(List.of(), verdicts.get("fireworks").providerCheckRefuses());

        assertFalse(togetherCheckProblems(raw.toByteArray(), Set.of("messages", "tools")).isEmpty());
        assertEquals(List.of(), togetherCheckProblems(checked.output(), Set.of("messages", "tools")), "the validated output passes it");
        String summary = dev.refinery.datasets.report.ReportSummary.render(checked.report());
        assertTrue(summary.contains("together files check (check_file in together-py) would refuse the raw file"), summary);
        assertTrue(summary.contains("the validated output (--out) passes it"), summary);
    }
}
