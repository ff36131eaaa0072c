package dev.refinery.validation.records;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One pass over a whole file: every problem, counts, samples and split output (plain JUnit). */
class DatasetScanTest {

    static String good(int i) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"},{\"role\":\"assistant\",\"content\":\"a" + i + "\"}]}";
    }

    private final Map<Split, List<String>> written = new EnumMap<>(Split.class);

    private ScanResult scan(String file, int maxLine, int samplesPerRule) throws IOException {
        DatasetScan scan = new DatasetScan(new ChatRecordValidator(), new SplitAssigner(80, 10), maxLine, samplesPerRule);
        InputStream in = new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8));
        return scan.run(in, (split, line, length) -> written.computeIfAbsent(split, s -> new ArrayList<>())
                .add(new String(line, 0, length, StandardCharsets.UTF_8)), DatasetScan.Progress.NONE);
    }

    @Test
    void everyProblemOfTheFileIsFoundInOnePass() throws IOException {
        StringBuilder file = new StringBuilder();
        for (int line = 1; line <= 100; line++) {
            file.append(switch (line) {
                case 3 -> "{not json";
                case 57 -> "{\"messages\":[{\"role\":\"human\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}";
                case 99 -> "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";
                default -> good(line);
            }).append('\n');
        }
        ScanResult r = scan(file.toString(), 1 << 20, 100);
        assertFalse(r.valid());
        assertEquals(100, r.lines());
        assertEquals(100, r.records());
        assertEquals(97, r.validRecords());
        assertEquals(3, r.invalidRecords());
        assertEquals(3, r.problems());
        assertEquals(List.of("3 DATASET_LINE_NOT_JSON ", "57 DATASET_ROLE_UNKNOWN messages[0].role", "99 DATASET_NO_ASSISTANT_TURN messages"),
                r.samples().stream().map(p -> p.line() + " " + p.rule().code() + " " + p.path()).toList());
        assertEquals(Map.of(Rule.LINE_NOT_JSON, 1L, Rule.ROLE_UNKNOWN, 1L, Rule.NO_ASSISTANT_TURN, 1L), r.ruleCounts());
        assertEquals(97, written.values().stream().mapToInt(List::size).sum(), "valid records still go to their splits");
    }

    @Test
    void aValidFileIsSplitByteForByteAndTheCountsAddUp() throws IOException {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            file.append(good(i)).append(i % 50 == 0 ? "\r\n" : "\n");
            if (i % 70 == 0) {
                file.append("   \n"); // blank lines are neither records nor problems
            }
        }
        ScanResult r = scan(file.toString(), 1 << 20, 100);
        assertTrue(r.valid(), r.samples().toString());
        assertEquals(200, r.records());
        assertEquals(203, r.lines());
        assertEquals(0, r.problems());
        assertEquals(200, r.splitRecords(Split.TRAIN) + r.splitRecords(Split.VALIDATION) + r.splitRecords(Split.TEST));
        SplitAssigner splits = new SplitAssigner(80, 10);
        for (Split s : Split.values()) {
            assertEquals(r.splitRecords(s), written.getOrDefault(s, List.of()).size());
            for (String line : written.getOrDefault(s, List.of())) {
                assertEquals(s, splits.assign(line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        String withCarriageReturn = good(0) + "\r";
        assertTrue(written.get(splits.assign(withCarriageReturn.getBytes(StandardCharsets.UTF_8))).contains(withCarriageReturn),
                "lines are copied byte for byte, carriage return included");
    }

    @Test
    void allProblemsAreCountedButOnlyTheFirstOfEachRuleAreKept() throws IOException {
        StringBuilder file = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            file.append("[1]\n").append("{\"messages\":[]}\n");
        }
        ScanResult r = scan(file.toString(), 1 << 20, 5);
        assertEquals(60, r.problems());
        assertEquals(30L, r.ruleCounts().get(Rule.LINE_NOT_OBJECT));
        assertEquals(30L, r.ruleCounts().get(Rule.MESSAGES_EMPTY));
        assertEquals(10, r.samples().size());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), r.samples().stream().map(LineProblem::line).toList());
    }

    @Test
    void aLineOverTheLimitIsAProblemNotACrash() throws IOException {
        String huge = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"},{\"role\":\"assistant\",\"content\":\"a\"}]}";
        ScanResult r = scan(good(1) + "\n" + huge + "\n" + good(2) + "\n", 1024, 100);
        assertEquals(3, r.records());
        assertEquals(2, r.validRecords());
        assertEquals(1, r.samples().size());
        LineProblem p = r.samples().get(0);
        assertEquals(2L, p.line());
        assertEquals(Rule.LINE_TOO_LONG, p.rule());
        assertTrue(p.message().contains("more than the limit of 1024"), p.message());
    }

    @Test
    void anEmptyFileIsInvalidWithADatasetProblem() throws IOException {
        ScanResult r = scan("\n  \n", 1024, 100);
        assertFalse(r.valid());
        assertEquals(0, r.records());
        assertEquals(1, r.problems());
        assertNull(r.samples().get(0).line());
        assertEquals(Rule.DATASET_EMPTY, r.samples().get(0).rule());
    }

    @Test
    void aValidFileWhoseRecordsAllMissTheTrainSplitIsInvalid() throws IOException {
        SplitAssigner splits = new SplitAssigner(80, 10);
        int i = 0;
        while (splits.assign(good(i).getBytes(StandardCharsets.UTF_8)) == Split.TRAIN) {
            i++;
        }
        ScanResult r = scan(good(i) + "\n", 1024, 100);
        assertEquals(1, r.validRecords());
        assertFalse(r.valid());
        assertEquals(Map.of(Rule.TRAIN_SPLIT_EMPTY, 1L), r.ruleCounts());
    }
}
