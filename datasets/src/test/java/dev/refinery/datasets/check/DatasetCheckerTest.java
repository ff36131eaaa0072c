package dev.refinery.datasets.check;

import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.datasets.split.Split;
import dev.refinery.datasets.targets.Target;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetCheckerTest {

    static String chat(int i) {
        return "{\"messages\": [{\"role\": \"user\", \"content\": \"question " + i + "\"}, {\"role\": \"assistant\", \"content\": \"answer number " + i + "\"}]}";
    }

    static DatasetReport check(String text, CheckOptions options) throws IOException {
        return new DatasetChecker(options).check(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).report();
    }

    static CheckOptions.Builder small() {
        return CheckOptions.builder().blockBytes(4096);
    }

    static DatasetReport.RuleCount rule(DatasetReport report, String code) {
        return report.problems().stream().filter(r -> r.code().equals(code)).findFirst().orElse(null);
    }

    static List<Long> lines(DatasetReport report, String code) {
        DatasetReport.RuleCount r = rule(report, code);
        return r == null ? List.of() : r.samples().stream().map(DatasetReport.Sample::line).toList();
    }

    @Test
    void reportsBadRecordsOnLines3_57And1999InOnePass() throws IOException {
        StringBuilder file = new StringBuilder();
        for (int line = 1; line <= 2500; line++) {
            String record = switch (line) {
                case 3 -> "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"robot\", \"content\": \"beep\"}]}";
                case 57 -> "{\"messages\": [{\"role\": \"user\", \"content\": \"unterminated}]}";
                case 1999 -> "[1, 2, 3]";
                default -> chat(line);
            };
            file.append(record).append('\n');
        }
        DatasetReport report = check(file.toString(), small().build());
        assertEquals(2500, report.records());
        assertEquals(2497, report.validRecords());
        assertEquals(List.of(3L), lines(report, "DATASET_ROLE_UNKNOWN"));
        assertEquals(List.of(57L), lines(report, "DATASET_LINE_NOT_JSON"));
        assertEquals(List.of(1999L), lines(report, "DATASET_LINE_NOT_OBJECT"));
        assertEquals("messages[1].role", rule(report, "DATASET_ROLE_UNKNOWN").samples().get(0).path());
        assertFalse(report.accepted());
    }

    @Test
    void badInputOfEveryKindHasItsRuleAndTheRestIsStillChecked() throws IOException {
        String lines = String.join("\n",
                chat(1),
                "",                                                         // 2 blank
                "{\"messages\": [], \"messages\": []}",                     // 3 duplicate key
                "\"just a string\"",                                        // 4 scalar
                "{\"messages\": [{\"role\": \"user\", \"content\": 42}, {\"role\": \"assistant\", \"content\": null}]}", // 5 numbers/nulls
                "[".repeat(1001) + "]".repeat(1001),                        // 6 deeper than the default 1,000
                chat(7),
                "{\"messages\": [{\"role\": \"user\", \"content\": \"cut off")  // 8 truncated, no newline
                ;
        DatasetReport report = check(lines, small().build());
        assertEquals(List.of(2L), lines(report, "DATASET_BLANK_LINE"));
        assertEquals(List.of(3L), lines(report, "DATASET_DUPLICATE_KEY"));
        assertEquals(List.of(4L), lines(report, "DATASET_LINE_NOT_OBJECT"));
        assertEquals(List.of(5L, 5L), lines(report, "DATASET_CONTENT_NOT_STRING"));
        assertEquals(List.of(6L), lines(report, "DATASET_TOO_DEEP"));
        assertEquals(List.of(8L), lines(report, "DATASET_LINE_TRUNCATED"));
        assertEquals(2, report.validRecords());
    }

    @Test
    void invalidUtf8ByteOrderMarkAndCrlfAreNamed() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        file.write((chat(1) + "\r\n").getBytes(StandardCharsets.UTF_8));
        file.write("{\"messages\": [{\"role\": \"user\", \"content\": \"caf".getBytes(StandardCharsets.UTF_8));
        file.write(new byte[]{(byte) 0xE9});
        file.write("\"}, {\"role\": \"assistant\", \"content\": \"x\"}]}\r\n".getBytes(StandardCharsets.UTF_8));
        file.write((chat(3) + "\r\n").getBytes(StandardCharsets.UTF_8));
        DatasetReport report = new DatasetChecker(small().build()).check(new ByteArrayInputStream(file.toByteArray())).report();
        assertEquals(List.of(2L), lines(report, "DATASET_LINE_NOT_UTF8"));
        assertNotNull(rule(report, "DATASET_BYTE_ORDER_MARK"));
        assertEquals(List.of(1L), lines(report, "DATASET_CRLF_LINE_ENDINGS"));
        assertEquals(2, report.validRecords());
    }

    @Test
    void aDuplicateKeyDoesNotHideTheOtherProblemsOfItsLine() throws IOException {
        String line = "{\"messages\": [{\"content\": \"q\", \"role\": \"robot\", \"content\": \"again\"}]}";
        DatasetReport report = check(line + "\n" + chat(2) + "\n", small().build());
        assertEquals(List.of(1L), lines(report, "DATASET_DUPLICATE_KEY"));
        assertEquals("messages[0].content", rule(report, "DATASET_DUPLICATE_KEY").samples().get(0).path());
        assertEquals(List.of(1L), lines(report, "DATASET_ROLE_UNKNOWN"), "the line's other problem is reported too");
        assertEquals(1, report.validRecords());
    }

    @Test
    void recordsNested130LevelsDeepAreReadByDefault() throws IOException {
        String deep = "{\"text\": \"a story\", \"meta\": " + "[".repeat(129) + "1" + "]".repeat(129) + "}";
        DatasetReport report = check(deep + "\n", small().target(Target.TOGETHER).build());
        assertNull(rule(report, "DATASET_TOO_DEEP"));
        assertEquals(1, report.validRecords(), () -> report.problems().toString());
        assertEquals(List.of(1L), lines(check(deep + "\n", small().target(Target.TOGETHER).maxDepth(100).build()), "DATASET_TOO_DEEP"),
                "the limit stays configurable");
    }

    @Test
    void aLoneSurrogateEscapeHasItsRule() throws IOException {
        String file = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi \\ud800\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n"
                + "{\"messages\": [{\"role\": \"user\", \"content\": \"hi \\ud83d\\ude00\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n";
        DatasetReport report = check(file, small().build());
        assertEquals(List.of(1L), lines(report, "DATASET_LONE_SURROGATE"));
        assertEquals("messages[0].content", rule(report, "DATASET_LONE_SURROGATE").samples().get(0).path());
        assertEquals(1, report.validRecords(), "a proper surrogate pair is text");
    }

    @Test
    void invalidUtf8NamesItsBytesAndPlaceOnce() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write("{\"text\": \"caf".getBytes(StandardCharsets.UTF_8));
        file.write(new byte[]{(byte) 0xE9, '"', '}', '\n'});
        DatasetReport report = new DatasetChecker(small().build()).check(new ByteArrayInputStream(file.toByteArray())).report();
        String message = rule(report, "DATASET_LINE_NOT_UTF8").samples().get(0).message();
        assertEquals("the bytes E9 22 7D are not UTF-8 (byte 14 of the line)", message);
    }

    @Test
    void aFileWithoutAnyLineFeedHasNoCrLfLines() throws IOException {
        DatasetReport report = check(chat(1) + "\r", small().build());
        assertNull(rule(report, "DATASET_CRLF_LINE_ENDINGS"), () -> report.problems().toString());
        assertEquals(1, report.validRecords());
        DatasetReport crOnly = check(chat(1) + "\r" + chat(2) + "\r", small().build());
        assertNull(rule(crOnly, "DATASET_CRLF_LINE_ENDINGS"));
        assertTrue(rule(crOnly, "DATASET_LINE_NOT_JSON").samples().get(0).message().contains("CR alone"));
    }

    static DatasetReport.Reason reason(DatasetReport report, String target, String code) {
        return report.targets().stream().filter(t -> t.target().equals(target)).flatMap(t -> t.reasons().stream())
                .filter(r -> r.code().equals(code)).findFirst().orElse(null);
    }

    @Test
    void messagesUseTheRightArticleAndNumber() throws IOException {
        String file = "{\"messages\": [{\"role\": \"assistant\", \"content\": \"hi\"}]}\n"
                + "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"},"
                + " {\"role\": \"assistant\", \"content\": \"c\"}]}\n";
        DatasetReport report = check(file, small().build());
        List<String> order = rule(report, "DATASET_ROLE_ORDER").samples().stream().map(DatasetReport.Sample::message).toList();
        assertEquals(List.of("the conversation starts with an assistant message; it must start with system or user",
                "message 2 is an assistant message after an assistant message; expected user"), order);
        assertEquals("Together AI needs at least 1 record; 0 qualify", reason(report, "together", "DATASET_TOO_FEW_RECORDS").message());
        DatasetReport one = check(chat(1) + "\r\n", small().build());
        assertEquals("Fireworks AI needs at least 3 records; 1 qualifies", reason(one, "fireworks", "DATASET_TOO_FEW_RECORDS").message());
        assertEquals("1 line ends with CR LF, starting with line 1", rule(one, "DATASET_CRLF_LINE_ENDINGS").samples().get(0).message());
        String summary = dev.refinery.datasets.report.ReportSummary.render(one);
        assertTrue(summary.contains(": 1 record, 1 valid, 0 invalid; 0 errors, 2 warnings"), summary);
        assertTrue(summary.contains("1 line, "), summary);
        assertTrue(summary.contains("1 record qualifies"), summary);
    }

    @Test
    void utf16FilesAreReportedAsNotUtf8WithTheSaveAsUtf8Hint() throws IOException {
        String text = chat(1) + "\n" + chat(2) + "\n";
        byte[] le = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] withBom = new byte[le.length + 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(le, 0, withBom, 2, le.length);
        Map<String, byte[]> files = Map.of("UTF-16 little-endian, with a byte-order mark", withBom,
                "UTF-16 little-endian (no byte-order mark", le,
                "UTF-16 big-endian, with a byte-order mark", text.getBytes(StandardCharsets.UTF_16));
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            DatasetReport report = new DatasetChecker(small().build()).check(new ByteArrayInputStream(file.getValue())).report();
            assertEquals(1, report.problems().size(), () -> file.getKey() + ": " + report.problems());
            DatasetReport.RuleCount notUtf8 = rule(report, "DATASET_LINE_NOT_UTF8");
            assertTrue(notUtf8.samples().get(0).message().startsWith("the file is encoded as " + file.getKey()), notUtf8.toString());
            assertTrue(notUtf8.hint().startsWith("Save the file as UTF-8"));
            assertFalse(report.accepted());
        }
    }

    @Test
    void anEmptyListOfPartsIsAnErrorWhateverTheRole() throws IOException {
        String file = "{\"messages\": [{\"role\": \"user\", \"content\": []}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n"
                + "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"q\"}]},"
                + " {\"role\": \"assistant\", \"content\": []}]}\n";
        DatasetReport report = check(file, small().build());
        assertEquals(List.of(1L, 2L), lines(report, "DATASET_CONTENT_EMPTY"));
        assertEquals("messages[0].content", rule(report, "DATASET_CONTENT_EMPTY").samples().get(0).path());
        assertEquals(0, report.validRecords());
    }

    static String imageRecord(String url) {
        return "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"what is this?\"},"
                + " {\"type\": \"image_url\", \"image_url\": {\"url\": \"" + url + "\"}}]},"
                + " {\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \"a red dot\"}]}]}";
    }

    @Test
    void imageDataMustBeBase64OfTheTypeItDeclares() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        String pngBase64 = java.util.Base64.getEncoder().encodeToString(png);
        String slashes = java.util.Base64.getEncoder().encodeToString(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF})
                .replace("/", "\\/"); // PHP writes '/' as '\/' in JSON
        String file = String.join("\n",
                imageRecord("data:image/png;base64," + pngBase64),                   // 1 fine
                imageRecord("data:image/png;base64," + pngBase64.substring(0, 8) + "!!!!" + pngBase64.substring(12)), // 2 not base64
                imageRecord("data:image/png;base64," + pngBase64.substring(0, pngBase64.length() - 1)), // 3 cut off
                imageRecord("data:image/jpeg;base64," + pngBase64),                  // 4 a PNG declared as JPEG
                imageRecord("data:image/jpeg;base64," + slashes),                    // 5 fine, with escaped slashes
                imageRecord("data:image/png;base64,")) + "\n";                       // 6 no data
        DatasetReport report = check(file, small().target(Target.OPENAI).build());
        assertEquals(List.of(2L, 3L, 4L, 6L), lines(report, "DATASET_IMAGE_INVALID"), () -> report.problems().toString());
        List<String> messages = rule(report, "DATASET_IMAGE_INVALID").samples().stream().map(DatasetReport.Sample::message).toList();
        assertEquals("the image's base64 data has '!', not a base64 character, at character 9 after the comma", messages.get(0));
        assertTrue(messages.get(1).contains("not a multiple of 4"), messages.get(1));
        assertEquals("the URL says JPEG but the data does not start like a JPEG file (it starts with 89 50 4E 47 0D 0A 1A 0A)", messages.get(2));
        assertEquals("the image's base64 data is empty", messages.get(3));
        assertEquals(2, report.validRecords());
        assertNull(rule(report, "DATASET_DUPLICATE_RECORD"), "the same words about another image are another record");
    }

    @Test
    void textPartsAreValidInPromptCompletionAndText() throws IOException {
        String parts = "[{\"type\": \"text\", \"text\": \"Name a colour.\"}, {\"type\": \"text\", \"text\": \" One word.\"}]";
        String file = "{\"prompt\": " + parts + ", \"completion\": [{\"type\": \"text\", \"text\": \"Blue\"}]}\n"
                + "{\"prompt\": \"Name a fruit.\", \"completion\": \"Apple\"}\n"
                + "{\"prompt\": [], \"completion\": \"x\"}\n"
                + "{\"prompt\": 7, \"completion\": \"x\"}\n";
        DatasetReport report = check(file, small().target(Target.TOGETHER).build());
        assertEquals(2, report.validRecords(), () -> report.problems().toString());
        assertEquals(List.of(3L), lines(report, "DATASET_CONTENT_EMPTY"));
        assertEquals(List.of(4L), lines(report, "DATASET_FIELD_INVALID"));
        DatasetReport text = check("{\"text\": " + parts + "}\n", small().target(Target.TOGETHER).build());
        assertTrue(text.accepted(), () -> text.problems().toString());
        String image = "{\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,iVBORw0KGgo=\"}}";
        DatasetReport imageAnswer = check("{\"prompt\": \"Draw\", \"completion\": [" + image + "]}\n", small().target(Target.TOGETHER).build());
        assertEquals(List.of(1L), lines(imageAnswer, "DATASET_IMAGE_INVALID"), "images belong to the user's side only");
    }

    @Test
    void aFileOfOneValidRecordIsAcceptedWhateverItsPromptHashes() throws IOException {
        List<Integer> rejected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (!check(chat(i) + "\n", small().build()).accepted()) {
                rejected.add(i);
            }
        }
        assertEquals(List.of(), rejected, "one-record files that were rejected");
        for (int i = 0; i < 100; i++) {
            List<DatasetReport> reports = new ArrayList<>();
            Map<Split, List<String>> out = collect(chat(i) + "\n", small().build(), reports);
            DatasetReport report = reports.get(0);
            assertEquals(1, out.get(Split.TRAIN).size(), "the one record is in train");
            assertEquals(1L, rule(report, "DATASET_HELD_OUT_SKIPPED").count());
            assertEquals(0L, report.splits().records().get("validation"));
        }
    }

    @Test
    void filesTooSmallForAHeldOutShareGoToTrainAndLargerOnesAreSplitInFileOrder() throws IOException {
        List<String> nine = chats("small question", 9);
        List<DatasetReport> reports = new ArrayList<>();
        Map<Split, List<String>> small = collect(String.join("\n", nine) + "\n", small().build(), reports);
        assertEquals(nine, small.get(Split.TRAIN), "9 records are fewer than the 10 a 10% share needs: all in train, in file order");
        assertEquals("the file keeps 9 records, fewer than the 10 a 10% held-out share needs to expect one; all 9 are in train",
                rule(reports.get(0), "DATASET_HELD_OUT_SKIPPED").samples().get(0).message());

        List<String> many = chats("question", 300);
        List<String> inOrder = new ArrayList<>();
        CheckOptions options = small().splits(dev.refinery.datasets.split.SplitPolicy.parse("80/10/10")).build();
        DatasetReport report = new DatasetChecker(options).check(new ByteArrayInputStream((String.join("\n", many) + "\n")
                .getBytes(StandardCharsets.UTF_8)), (split, bytes, off, len) -> inOrder.add(new String(bytes, off, len, StandardCharsets.UTF_8))).report();
        assertEquals(many, inOrder, "the records reach the outputs in file order, the first ones included");
        assertNull(rule(report, "DATASET_HELD_OUT_SKIPPED"));
        assertTrue(report.splits().records().get("validation") > 0 && report.splits().records().get("test") > 0);
    }

    @Test
    void smallFilesAreAcceptedEvenWhenTrainHasTheSmallestShare() throws IOException {
        for (int file = 0; file < 40; file++) {
            String text = chatQ("q" + file + "a", "x") + "\n" + chatQ("q" + file + "b", "y") + "\n" + chatQ("q" + file + "c", "z") + "\n";
            DatasetReport report = check(text, small().splits(dev.refinery.datasets.split.SplitPolicy.parse("1/99")).build());
            assertTrue(report.accepted(), () -> report.problems().toString());
            assertTrue(report.splits().records().get("train") > 0);
        }
    }

    @Test
    void aLineOverTheLimitIsReportedAndSkippedWithoutBufferingIt() throws IOException {
        String longLine = "{\"text\": \"" + "x".repeat(20_000) + "\"}";
        String file = chat(1) + "\n" + longLine + "\n" + chat(3) + "\n";
        DatasetReport report = check(file, small().maxLineBytes(10_000).build());
        assertEquals(List.of(2L), lines(report, "DATASET_LINE_TOO_LONG"));
        assertEquals(2, report.validRecords());
    }

    @Test
    void emptyFileIsAnError() throws IOException {
        DatasetReport report = check("", small().build());
        assertNotNull(rule(report, "DATASET_EMPTY"));
        assertFalse(report.accepted());
    }

    @Test
    void gzipIsReadAndAGzipBombIsStopped() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            for (int i = 0; i < 50; i++) {
                out.write((chat(i) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        DatasetReport ok = new DatasetChecker(small().build()).check(new ByteArrayInputStream(gz.toByteArray())).report();
        assertTrue(ok.gzip());
        assertEquals(50, ok.validRecords());

        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bomb)) {
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) {
                out.write(spaces);
            }
        }
        DatasetReport stopped = new DatasetChecker(small().build()).check(new ByteArrayInputStream(bomb.toByteArray())).report();
        assertNotNull(rule(stopped, "DATASET_GZIP_BOMB"));
        assertFalse(stopped.accepted());
    }

    @Test
    void aGzipUnderTheRatioLimitIsStillStoppedAtTheCapOnItsExpandedSize() throws IOException {
        byte[] gz = gzipOfRecordsExpanding190Times(4L << 20);
        DatasetReport allowed = new DatasetChecker(small().build()).check(new ByteArrayInputStream(gz)).report();
        assertNull(rule(allowed, "DATASET_GZIP_BOMB"), "about 190:1 stays under the 200x ratio limit");
        assertNull(rule(allowed, "DATASET_GZIP_TOO_LARGE"), "and 4 MiB under the default cap of 10 GiB");

        // The same file against a 1 MiB cap (a small cap instead of writing gigabytes): refused at the cap, by its own code.
        DatasetReport stopped = new DatasetChecker(small().maxDecompressedBytes(1L << 20).build()).check(new ByteArrayInputStream(gz)).report();
        DatasetReport.RuleCount tooLarge = rule(stopped, "DATASET_GZIP_TOO_LARGE");
        assertNotNull(tooLarge);
        String message = tooLarge.samples().get(0).message();
        assertNull(rule(stopped, "DATASET_GZIP_BOMB"));
        assertFalse(stopped.accepted());
        assertTrue(message.startsWith("the gzip file expands to more than 1 MiB (1048576 bytes), the limit on a dataset's "
                + "uncompressed size: stopped at expanded byte "), message);
        assertTrue(message.contains(" compressed bytes; the lines before it were checked"), message);
        assertEquals(10L << 30, CheckOptions.DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    /** Chat records padded with runs of one letter, so that gzip compresses them about 190:1, to {@code bytes} expanded. */
    private static byte[] gzipOfRecordsExpanding190Times(long bytes) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        long written = 0;
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            for (int i = 0; written < bytes; i++) {
                // Runs compress about 1000:1; the random-looking id keeps the whole near 190:1.
                String line = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + java.util.UUID.randomUUID() + "\"}, "
                        + "{\"role\": \"assistant\", \"content\": \"" + "a".repeat(RUN) + "\"}]}\n";
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                out.write(b);
                written += b.length;
            }
        }
        long ratio = bytes / gz.size();
        assertTrue(ratio > 150 && ratio < 200, "the fixture expands " + ratio + " times");
        return gz.toByteArray();
    }

    private static final int RUN = 7_000;

    @Test
    void formatsAreDetectedAndAMixedFileIsRejected() throws IOException {
        String file = String.join("\n",
                "{\"prompt\": \"2+2?\", \"completion\": \"4\"}",
                "{\"prompt\": \"3+3?\", \"completion\": \"6\"}",
                chat(3),
                "{\"text\": \"a\", \"prompt\": \"b\", \"completion\": \"c\"}") + "\n";
        DatasetReport report = check(file, small().target(Target.TOGETHER).build());
        assertEquals("instruction", report.format());
        assertEquals(List.of(3L), lines(report, "DATASET_FORMAT_MIXED"));
        assertEquals(List.of(4L), lines(report, "DATASET_FORMAT_AMBIGUOUS"));
    }

    @Test
    void chosenRejectedIsNormalizedToPreferenceData() throws IOException {
        String file = "{\"prompt\": \"Say hi\", \"chosen\": \"Hi!\", \"rejected\": \"No.\"}\n"
                + "{\"chosen\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"good\"}],"
                + " \"rejected\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"bad\"}]}\n";
        Map<Split, List<String>> out = new EnumMap<>(Split.class);
        DatasetReport report = new DatasetChecker(small().target(Target.TOGETHER).splits(new dev.refinery.datasets.split.SplitPolicy(100, 0, 0)).build())
                .check(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), (split, bytes, off, len) ->
                        out.computeIfAbsent(split, s -> new ArrayList<>()).add(new String(bytes, off, len, StandardCharsets.UTF_8))).report();
        assertEquals("preference", report.format());
        assertEquals(2, report.validRecords(), () -> report.problems().toString());
        assertEquals("{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]},"
                + "\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"Hi!\"}],"
                + "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"No.\"}]}", out.get(Split.TRAIN).get(0));
        assertTrue(report.targets().stream().filter(t -> t.target().equals("local")).allMatch(t -> t.accepted()),
                "the local engine trains DPO on preference data");
    }

    @Test
    void unknownFieldsAreStrippedAndContentIsKeptByteForByte() throws IOException {
        String record = "{\"messages\": [{\"role\": \"user\", \"content\": \"caf\\u00e9 \\\"q\\\"\", \"id\": 7},"
                + " {\"role\": \"assistant\", \"content\": \"1.50e3\"}], \"metadata\": {\"source\": \"crm\"}}";
        List<String> out = new ArrayList<>();
        DatasetReport report = new DatasetChecker(small().splits(new dev.refinery.datasets.split.SplitPolicy(100, 0, 0)).build())
                .check(new ByteArrayInputStream((record + "\n").getBytes(StandardCharsets.UTF_8)),
                        (split, bytes, off, len) -> out.add(new String(bytes, off, len, StandardCharsets.UTF_8))).report();
        assertEquals(2, rule(report, "DATASET_UNKNOWN_FIELD").count());
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \\\"q\\\"\"},"
                + "{\"role\":\"assistant\",\"content\":\"1.50e3\"}]}", out.get(0), "kept values are copied as written, escapes and all");
    }

    @Test
    void targetsEnforceTheirMinimumSamples() throws IOException {
        String file = chat(1) + "\n" + chat(2) + "\n" + chat(3) + "\n" + chat(4) + "\n";
        DatasetReport report = check(file, small().target(Target.OPENAI).build());
        DatasetReport.TargetVerdict openai = report.targets().stream().filter(t -> t.target().equals("openai")).findFirst().orElseThrow();
        DatasetReport.TargetVerdict fireworks = report.targets().stream().filter(t -> t.target().equals("fireworks")).findFirst().orElseThrow();
        assertFalse(openai.accepted());
        assertEquals("DATASET_TOO_FEW_RECORDS", openai.reasons().get(0).code());
        assertTrue(fireworks.accepted());
        assertFalse(report.accepted());
    }

    @Test
    void duplicatesAreFoundExactAndNormalizedAndRemovedOnRequest() throws IOException {
        String a = chat(1);
        String b = "{\"messages\": [{\"role\": \"user\", \"content\": \"QUESTION   1\"}, {\"role\": \"assistant\", \"content\": \"Answer number 1 \"}]}";
        String file = a + "\n" + chat(2) + "\n" + a + "\n" + b + "\n";
        DatasetReport report = check(file, small().build());
        assertEquals(List.of(3L), lines(report, "DATASET_DUPLICATE_RECORD"));
        assertEquals(List.of(4L), lines(report, "DATASET_NEAR_DUPLICATE_RECORD"));
        assertEquals(0, report.duplicates().removed());
        DatasetReport dropped = check(file, small().dedup(DedupPolicy.DROP_NORMALIZED).build());
        assertEquals(2, dropped.duplicates().removed());
        assertEquals(2, dropped.splits().records().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void structuralModeSkipsSplitsAndDuplicates() throws IOException {
        DatasetReport report = check(chat(1) + "\n", small().structuralOnly(true).build());
        assertEquals(1, report.validRecords());
        assertNull(report.splits());
    }

    static Map<Split, List<String>> collect(String file, CheckOptions options, List<DatasetReport> report) throws IOException {
        Map<Split, List<String>> out = new EnumMap<>(Split.class);
        CheckResult result = new DatasetChecker(options).check(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                (split, bytes, off, len) -> out.computeIfAbsent(split, s -> new ArrayList<>()).add(new String(bytes, off, len, StandardCharsets.UTF_8)));
        report.add(result.report());
        return out;
    }

    /** {@code count} conversations: "QUESTION i" answered "answer i". */
    static List<String> chats(String question, int count) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(chatQ(question + " " + i, "answer " + i));
        }
        return records;
    }

    static String chatQ(String question, String answer) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"},{\"role\":\"assistant\",\"content\":\"" + answer + "\"}]}";
    }

    @Test
    void addingRecordsNeverMovesAnExistingRecordToAnotherSplitAndEarlierVersionsAreRecognised() throws IOException {
        List<String> v1 = chats("question", 300);
        List<String> v2 = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            v2.add(chatQ("new question " + i, "new answer " + i)); // new records before each old one
            v2.add(v1.get(i));
        }
        List<DatasetReport> reports = new ArrayList<>();
        CheckResult first = new DatasetChecker(small().build()).check(new ByteArrayInputStream((String.join("\n", v1) + "\n").getBytes(StandardCharsets.UTF_8)));
        Map<Split, List<String>> before = collect(String.join("\n", v1) + "\n", small().build(), reports);
        java.io.ByteArrayOutputStream fps = new java.io.ByteArrayOutputStream();
        dev.refinery.datasets.dedup.EarlierVersions.write(first.fingerprints(), fps);
        dev.refinery.datasets.dedup.EarlierVersions earlier = new dev.refinery.datasets.dedup.EarlierVersions()
                .add("v1", new ByteArrayInputStream(fps.toByteArray()));
        Map<Split, List<String>> after = collect(String.join("\n", v2) + "\n", small().earlierVersions(earlier).build(), reports);
        assertTrue(before.get(Split.VALIDATION).size() > 10, "both splits are used");
        for (Split s : Split.values()) {
            for (String record : before.getOrDefault(s, List.of())) {
                assertTrue(after.get(s).contains(record), "a record of version 1 stays in " + s + " in version 2: " + record);
            }
        }
        assertEquals(300, reports.get(1).duplicates().inEarlierVersions());
        assertEquals(List.of("v1"), reports.get(1).duplicates().earlierVersions());
    }

    @Test
    void aFixedTestSetIsTheTestSplitAndLeaksIntoTrainingAreFound() throws IOException {
        String test = chatQ("capital of France?", "Paris") + "\n" + chatQ("2+2?", "4") + "\n";
        String file = chatQ("capital of France?", "Paris") + "\n"        // 1: the same record as the test set's line 1
                + chatQ("2+2?", "four") + "\n"                             // 2: the same prompt as the test set's line 2
                + chatQ("3+3?", "6") + "\n";                               // 3: fine
        CheckOptions.Builder options = small().splits(new dev.refinery.datasets.split.SplitPolicy(100, 0, 0))
                .fixedTestSet(() -> new ByteArrayInputStream(test.getBytes(StandardCharsets.UTF_8)));
        List<DatasetReport> reports = new ArrayList<>();
        Map<Split, List<String>> kept = collect(file, options.build(), reports);
        DatasetReport report = reports.get(0);
        assertEquals(List.of(1L, 2L), lines(report, "DATASET_HELD_OUT_LEAK"));
        assertEquals(2, report.duplicates().heldOutLeaks());
        assertEquals(2, kept.get(Split.TEST).size(), "the test set's records are the test split");
        assertEquals(3, kept.get(Split.TRAIN).size(), "reported, not removed, by default");
        assertTrue(report.splits().fixedTestSet());

        Map<Split, List<String>> deduped = collect(file, options.dedup(DedupPolicy.DROP_EXACT).build(), reports);
        assertEquals(List.of(chatQ("3+3?", "6")), deduped.get(Split.TRAIN), "leaks are removed on request");
        assertThrows(IllegalArgumentException.class, () -> small().fixedTestSet(() -> null).splits(new dev.refinery.datasets.split.SplitPolicy(80, 10, 10)).build());
    }

    @Test
    void tokensAreCountedPerSplitAndTheRunIsPricedFromTheCatalog() throws IOException {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            file.append(chatQ("question number " + i + " about the weather", "a fairly short answer " + i)).append('\n');
        }
        var catalog = dev.refinery.catalog.ModelCatalog.load();
        var choice = ModelChoice.resolve(catalog, dev.refinery.datasets.targets.Target.TOGETHER, "llama-3.1-8b", ModelChoice.defaultModelsDir());
        DatasetReport report = check(file.toString(), small().target(dev.refinery.datasets.targets.Target.TOGETHER).model(choice)
                .pricing(catalog, 3, 0).build());
        var tokens = report.tokens();
        assertTrue(tokens.estimate(), "Llama 3.1's tokenizer is not shipped: the count is an estimate, labelled");
        long perSplit = tokens.splits().values().stream().mapToLong(dev.refinery.datasets.report.TokenReport.SplitTokens::tokens).sum();
        assertEquals(tokens.totalTokens(), perSplit, "the splits' tokens add up to the total");
        assertEquals(200, tokens.splits().values().stream().mapToLong(dev.refinery.datasets.report.TokenReport.SplitTokens::records).sum());
        assertEquals(3 * tokens.splits().get("train").tokens(), report.cost().billedTokens().expected(),
                "Together bills epochs x training tokens");
        assertTrue(report.cost().low().compareTo(report.cost().high()) < 0, "an estimated count gives a range");
    }
}
