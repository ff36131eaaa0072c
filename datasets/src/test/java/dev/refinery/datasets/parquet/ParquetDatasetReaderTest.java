package dev.refinery.datasets.parquet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetDatasetReaderTest {

    @TempDir
    Path dir;

    private static List<ParquetRow> readAll(ParquetDatasetReader reader, List<ParquetProblem> problems)
            throws ParquetReadException {
        List<ParquetRow> rows = new ArrayList<>();
        reader.forEachRow(new ParquetRowVisitor() {
            @Override
            public void row(ParquetRow row) {
                rows.add(row);
            }

            @Override
            public void unreadableValue(ParquetProblem problem) {
                problems.add(problem);
            }
        });
        return rows;
    }

    @Test
    void streamsRowsInFileOrderWithOneBasedNumbers() throws Exception {
        Path file = ParquetFixtures.write(dir, "ok.parquet", """
                SELECT input_ids, attention_mask, labels FROM (VALUES
                  (1, [1, 2, 3]::INTEGER[], [1, 1, 0]::TINYINT[], [-100, 2, -100]::BIGINT[]),
                  (2, [7, 8]::INTEGER[], [1, 1]::TINYINT[], [7, 8]::BIGINT[]),
                  (3, [9]::INTEGER[], [1]::TINYINT[], [-100]::BIGINT[]))
                  AS t(k, input_ids, attention_mask, labels) ORDER BY k""");
        try (ParquetDatasetReader reader = ParquetDatasetReader.open(file)) {
            assertEquals(List.of("input_ids", "attention_mask", "labels"),
                    reader.columns().stream().map(ParquetColumn::name).toList());
            assertTrue(reader.columns().stream().allMatch(ParquetColumn::isIntegerList));
            assertEquals(3, reader.rowCount());
            List<ParquetProblem> problems = new ArrayList<>();
            List<ParquetRow> rows = readAll(reader, problems);
            assertTrue(problems.isEmpty(), problems.toString());
            assertEquals(List.of(1L, 2L, 3L), rows.stream().map(ParquetRow::rowNumber).toList());
            assertArrayEquals(new int[] {1, 2, 3}, rows.get(0).inputIds());
            assertArrayEquals(new int[] {1, 1, 0}, rows.get(0).attentionMask());
            assertArrayEquals(new int[] {-100, 2, -100}, rows.get(0).labels());
            assertEquals(3, rows.get(0).tokenCount());
            assertEquals(1, rows.get(0).trainedTokenCount());
            assertEquals(1, rows.get(0).paddingTokenCount());
            assertEquals(2, rows.get(1).trainedTokenCount());
        }
    }

    @Test
    void withOnlyInputIdsEveryTokenIsTrained() throws Exception {
        Path file = ParquetFixtures.write(dir, "ids.parquet", "SELECT [5, 6, 7, 8] AS input_ids");
        try (ParquetDatasetReader reader = ParquetDatasetReader.open(file)) {
            ParquetRow row = readAll(reader, new ArrayList<>()).get(0);
            assertNull(row.attentionMask());
            assertNull(row.labels());
            assertEquals(4, row.trainedTokenCount());
        }
    }

    @Test
    void valuesThatCannotBeTokenIdsArriveAsProblemsAndReadingGoesOn() throws Exception {
        Path file = ParquetFixtures.write(dir, "wide.parquet", """
                SELECT input_ids FROM (VALUES (1, [1, 5000000000]::BIGINT[]), (2, [1, NULL]::BIGINT[]),
                  (3, NULL::BIGINT[]), (4, [3]::BIGINT[])) AS t(k, input_ids) ORDER BY k""");
        try (ParquetDatasetReader reader = ParquetDatasetReader.open(file)) {
            List<ParquetProblem> problems = new ArrayList<>();
            List<ParquetRow> rows = readAll(reader, problems);
            assertEquals(List.of(4L), rows.stream().map(ParquetRow::rowNumber).toList());
            assertEquals(List.of(ParquetRule.DATASET_PARQUET_TOKEN_ID_INVALID, ParquetRule.DATASET_PARQUET_NULL_VALUE,
                    ParquetRule.DATASET_PARQUET_NULL_VALUE), problems.stream().map(ParquetProblem::rule).toList());
            assertEquals(List.of(1L, 2L, 3L), problems.stream().map(ParquetProblem::row).toList());
        }
    }

    @Test
    void aFileThatIsNotParquetOrDoesNotExistIsUnreadable() throws Exception {
        Path text = Files.writeString(dir.resolve("train.parquet"), "{\"text\": \"not parquet\"}\n");
        ParquetReadException notParquet = assertThrows(ParquetReadException.class, () -> ParquetDatasetReader.open(text));
        assertEquals(ParquetRule.DATASET_PARQUET_UNREADABLE, notParquet.rule());
        assertTrue(notParquet.getMessage().contains("train.parquet"), notParquet.getMessage());
        assertTrue(!notParquet.getMessage().contains("LINE 1"), "no SQL excerpt: " + notParquet.getMessage());
        assertThrows(ParquetReadException.class, () -> ParquetDatasetReader.open(dir.resolve("missing.parquet")));
    }

    @Test
    void globCharactersInTheNameAreRefusedRatherThanExpanded() throws Exception {
        ParquetFixtures.write(dir, "a.parquet", "SELECT [1] AS input_ids");
        ParquetReadException e = assertThrows(ParquetReadException.class,
                () -> ParquetDatasetReader.open(dir.resolve("*.parquet")));
        assertEquals(ParquetRule.DATASET_PARQUET_UNREADABLE, e.rule());
    }

    @Test
    void duckDbLimitsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new DuckDbLimits("lots", 1));
        assertThrows(IllegalArgumentException.class, () -> new DuckDbLimits("64MB", 0));
    }
}
