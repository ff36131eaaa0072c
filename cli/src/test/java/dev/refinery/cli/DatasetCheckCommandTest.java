package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetCheckCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RefineryCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String chat(int i) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"},{\"role\":\"assistant\",\"content\":\"a" + i + "\"}]}";
    }

    @Test
    void aFileWithBadLinesIsRejectedWithEveryLineNamedAndTheCleanSplitsWritten(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            lines.add(i == 3 ? "{\"messages\": 7}" : i == 20 ? "not json" : chat(i));
        }
        Path file = dir.resolve("data.jsonl");
        Files.write(file, lines);
        Run text = run("datasets", "check", file.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, text.status(), text.err());
        assertTrue(text.out().contains("line 3 messages"), text.out());
        assertTrue(text.out().contains("line 20"), text.out());
        long kept = Files.readAllLines(dir.resolve("out/train.jsonl")).size() + Files.readAllLines(dir.resolve("out/validation.jsonl")).size();
        assertEquals(38, kept, "the clean subset holds every valid record");

        JsonNode report = JSON.readTree(run("datasets", "check", file.toString(), "--json").out());
        assertEquals(38, report.get("validRecords").asLong());
        assertEquals(JSON.readTree(Files.readAllBytes(dir.resolve("out/report.json"))), report, "--json prints what --out stores");
    }

    @Test
    void badOptionsAndMissingFilesAreUsageErrors(@TempDir Path dir) {
        Run target = run("datasets", "check", dir.resolve("x.jsonl").toString(), "--target", "cohere");
        assertEquals(64, target.status());
        assertTrue(target.err().contains("--target must be one of"), target.err());
        Run model = run("datasets", "check", dir.resolve("x.jsonl").toString(), "--target", "together", "--model", "llama-9");
        assertEquals(64, model.status());
        assertTrue(model.err().contains("has no model 'llama-9'"), model.err());
        Run missing = run("datasets", "check", dir.resolve("nope.jsonl").toString());
        assertEquals(66, missing.status());
        assertEquals("error: no such file: " + dir.resolve("nope.jsonl") + "\n", missing.err(), "one line");
    }

    @Test
    void helpListsTheOptionsInsteadOfLookingForAFileNamedHelp(@TempDir Path dir) {
        for (String[] args : List.of(new String[]{"datasets", "check", "--help"}, new String[]{"datasets", "check", "-h"},
                new String[]{"datasets", "check", dir.resolve("x.jsonl").toString(), "--help"})) {
            Run help = run(args);
            assertEquals(0, help.status(), help.err());
            for (String option : List.of("--target", "--model", "--splits", "--over-context", "--out", "--structural", "--models-dir")) {
                assertTrue(help.out().contains(option), option + " in " + help.out());
            }
        }
        Run noFile = run("datasets", "check", "--target", "together");
        assertEquals(64, noFile.status());
        assertTrue(noFile.err().contains("Missing required parameter: 'FILE'"), noFile.err());
    }

    @Test
    void eachTargetIsMeasuredAgainstItsOwnModelAndAMissingTokenizerSaysHowToPointAtIt(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"messages\":[{\"role\":\"user\",\"content\":\"story " + i + "\"},{\"role\":\"assistant\",\"content\":\""
                    + "The little dog ran to the park and played with a red ball all day long. ".repeat(40) + "\"}]}");
        }
        Path file = dir.resolve("stories.jsonl");
        Files.write(file, lines);
        Run together = run("datasets", "check", file.toString(), "--target", "together", "--json");
        assertEquals(0, together.status(), together.out());
        JsonNode report = JSON.readTree(together.out());
        for (JsonNode verdict : report.get("targets")) {
            boolean local = verdict.get("target").asText().equals("local");
            assertEquals(!local, verdict.get("accepted").asBoolean(), verdict.toString());
        }
        Run local = run("datasets", "check", file.toString());
        assertEquals(1, local.status(), "stories260K's 512-token context refuses these records");

        Run nowhere = run("datasets", "check", file.toString(), "--models-dir", dir.resolve("no-models").toString());
        assertTrue(nowhere.err().contains("note: local (stories260K): tokenizer engine:stories260K is not available here"), nowhere.err());
        assertTrue(nowhere.err().contains("REFINERY_MODELS_DIR=/path/to/refinery/models"), nowhere.err());
    }

    @Test
    void preTokenizedParquetIsCheckedRowByRow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT [1,2,3]::INT[] AS input_ids, [1,1,1]::INT[] AS attention_mask UNION ALL "
                    + "SELECT [4,5]::INT[], [1,0,1]::INT[]) TO '" + file + "' (FORMAT parquet)");
        }
        JsonNode report = JSON.readTree(run("datasets", "check", file.toString(), "--target", "together", "--json").out());
        assertEquals("tokenized", report.get("format").asText());
        assertEquals("DATASET_PARQUET_LENGTH_MISMATCH", report.get("problems").get(0).get("code").asText());
        assertEquals(2, report.get("problems").get(0).get("samples").get(0).get("line").asLong());
        assertEquals(5, report.get("tokens").get("totalTokens").asLong());
    }
}
