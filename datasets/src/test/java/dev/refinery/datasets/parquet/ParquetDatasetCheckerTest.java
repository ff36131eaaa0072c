package dev.refinery.datasets.parquet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetDatasetCheckerTest {

    @TempDir
    Path dir;

    private final ParquetDatasetChecker together = new ParquetDatasetChecker(ParquetCheckOptions.together());

    private static ParquetProblem only(ParquetCheckReport report, ParquetRule rule) {
        assertEquals(1, report.count(rule), () -> rule + " in " + report.problems());
        return report.problems().stream().filter(p -> p.rule() == rule).findFirst().orElseThrow();
    }

    @Test
    void aGoodFilePassesWithExactTokenCounts() throws Exception {
        Path file = ParquetFixtures.write(dir, "good.parquet", """
                SELECT input_ids, attention_mask, labels FROM (VALUES
                  (1, [1, 2, 3, 0], [1, 1, 1, 0], [-100, 2, 3, -100]),
                  (2, [4, 5], [1, 1], [4, 5])) AS t(k, input_ids, attention_mask, labels) ORDER BY k""");
        ParquetCheckReport report = together.check(file);
        assertTrue(report.passed(), report.problems().toString());
        assertTrue(report.problems().isEmpty(), report.problems().toString());
        assertEquals(2, report.rows());
        assertEquals(6, report.tokens());
        assertEquals(4, report.trainedTokens());
        assertEquals(1, report.paddingTokens());
        assertEquals(4, report.longestRowTokens());
    }

    @Test
    void missingInputIdsAndExtraColumnsAreNamed() throws Exception {
        Path file = ParquetFixtures.write(dir, "text.parquet",
                "SELECT 'hello' AS text, [1, 2] AS tokens, [1, 1] AS attention_mask");
        ParquetCheckReport report = together.check(file);
        assertFalse(report.passed());
        assertEquals(ParquetColumn.INPUT_IDS, only(report, ParquetRule.DATASET_PARQUET_MISSING_INPUT_IDS).column());
        assertEquals(2, report.count(ParquetRule.DATASET_PARQUET_EXTRA_COLUMN));
        assertTrue(report.problems().stream().anyMatch(p -> "tokens".equals(p.column())
                && p.message().contains("'tokens'")), report.problems().toString());
        assertEquals(1, report.rows(), "rows come from the metadata when they cannot be read");
    }

    @Test
    void allowedColumnsOfTheWrongTypeAreReported() throws Exception {
        Path file = ParquetFixtures.write(dir, "types.parquet",
                "SELECT '1 2 3' AS input_ids, [0.5, 1.0]::DOUBLE[] AS labels");
        ParquetCheckReport report = together.check(file);
        assertEquals(2, report.count(ParquetRule.DATASET_PARQUET_WRONG_COLUMN_TYPE), report.problems().toString());
        assertTrue(report.problems().stream().anyMatch(p -> p.message().contains("input_ids is VARCHAR")));
    }

    @Test
    void rowProblemsCarryRuleRowAndColumn() throws Exception {
        Path file = ParquetFixtures.write(dir, "rows.parquet", """
                SELECT input_ids, attention_mask, labels FROM (VALUES
                  (1, [1, 2, 3], [1, 1, 1], [-100, -5, 3]),
                  (2, [1, 2, 3], [1, 1], [1, 2, 3]),
                  (3, [1, 2], [1, 2], [1, 2]),
                  (4, []::INTEGER[], []::INTEGER[], []::INTEGER[]),
                  (5, [-1, 2], [1, 1], [-100, 2]),
                  (6, [1, 2], [1, 1], [1, 2, 3]))
                  AS t(k, input_ids, attention_mask, labels) ORDER BY k""");
        ParquetCheckReport report = together.check(file);
        assertFalse(report.passed());
        ParquetProblem label = only(report, ParquetRule.DATASET_PARQUET_LABEL_INVALID);
        assertEquals(1L, label.row());
        assertEquals("labels", label.column());
        assertTrue(label.message().contains("labels[1] = -5"), label.message());
        assertEquals(2, report.count(ParquetRule.DATASET_PARQUET_LENGTH_MISMATCH));
        assertTrue(report.problems().stream().anyMatch(p -> p.rule() == ParquetRule.DATASET_PARQUET_LENGTH_MISMATCH
                && p.row() == 2 && "attention_mask".equals(p.column())));
        assertTrue(report.problems().stream().anyMatch(p -> p.rule() == ParquetRule.DATASET_PARQUET_LENGTH_MISMATCH
                && p.row() == 6 && "labels".equals(p.column())));
        ParquetProblem mask = only(report, ParquetRule.DATASET_PARQUET_ATTENTION_MASK_NOT_BINARY);
        assertEquals(3L, mask.row());
        assertEquals(4L, only(report, ParquetRule.DATASET_PARQUET_EMPTY_INPUT_IDS).row());
        assertEquals(5L, only(report, ParquetRule.DATASET_PARQUET_TOKEN_ID_INVALID).row());
        assertEquals(6, report.rows());
    }

    @Test
    void idsAtOrAboveTheVocabularyAreNotTokenIds() throws Exception {
        Path file = ParquetFixtures.write(dir, "vocab.parquet", "SELECT [1, 31999] AS input_ids, [-100, 32000] AS labels");
        assertTrue(together.check(file).passed(), "no vocabulary given: any non-negative id is plausible");
        ParquetCheckReport report = new ParquetDatasetChecker(ParquetCheckOptions.together().withVocabularySize(32000))
                .check(file);
        assertTrue(only(report, ParquetRule.DATASET_PARQUET_LABEL_INVALID).message().contains("vocabulary size 32000"));
        assertEquals(0, report.count(ParquetRule.DATASET_PARQUET_TOKEN_ID_INVALID));
    }

    @Test
    void tooFewRowsForTheProvidersMinimum() throws Exception {
        Path file = ParquetFixtures.write(dir, "few.parquet", "SELECT [range::INTEGER] AS input_ids FROM range(3)");
        assertTrue(together.check(file).passed());
        ParquetCheckReport report = new ParquetDatasetChecker(ParquetCheckOptions.together().withMinRows(10)).check(file);
        ParquetProblem problem = only(report, ParquetRule.DATASET_PARQUET_TOO_FEW_ROWS);
        assertNull(problem.row());
        assertTrue(problem.message().contains("3 row(s); at least 10"), problem.message());
        Path empty = ParquetFixtures.write(dir, "empty.parquet", "SELECT [1] AS input_ids WHERE false");
        assertEquals(1, together.check(empty).count(ParquetRule.DATASET_PARQUET_TOO_FEW_ROWS));
    }

    @Test
    void warningsDoNotFailTheFile() throws Exception {
        Path file = ParquetFixtures.write(dir, "warn.parquet", """
                SELECT input_ids, attention_mask, labels FROM (VALUES
                  (1, [1, 2], [1, 1], [-100, -100]),
                  (2, [1, 2, 0], [1, 1, 0], [1, 2, 0])) AS t(k, input_ids, attention_mask, labels) ORDER BY k""");
        ParquetCheckReport report = together.check(file);
        assertTrue(report.passed(), report.problems().toString());
        assertEquals(1L, only(report, ParquetRule.DATASET_PARQUET_NO_TRAINED_TOKENS).row());
        assertEquals(2L, only(report, ParquetRule.DATASET_PARQUET_LOSS_ON_PADDING).row());
    }

    @Test
    void problemsAreListedUpToTheCapButAllCounted() throws Exception {
        Path file = ParquetFixtures.write(dir, "many.parquet",
                "SELECT [1, 2] AS input_ids, [1, 7] AS attention_mask FROM range(50)");
        ParquetCheckReport report = new ParquetDatasetChecker(ParquetCheckOptions.together().withMaxProblemsPerRule(10))
                .check(file);
        assertEquals(50, report.count(ParquetRule.DATASET_PARQUET_ATTENTION_MASK_NOT_BINARY));
        assertEquals(10, report.problems().size());
    }

    @Test
    void aRowGroupBeyondTheMemoryLimitIsNamedWithItsSize() throws Exception {
        // One row group of ~12 MB uncompressed against an 8 MB limit (DuckDB itself needs a few MB): DuckDB cannot decode it.
        Path file = ParquetFixtures.write(dir, "wide.parquet",
                "SELECT list_transform(range(256), lambda x: (x + r)::INTEGER) AS input_ids FROM range(12000) t(r)");
        ParquetCheckReport report = new ParquetDatasetChecker(ParquetCheckOptions.together()
                .withLimits(new DuckDbLimits("8MB", 1))).check(file);
        ParquetProblem problem = only(report, ParquetRule.DATASET_PARQUET_ROW_GROUP_TOO_LARGE);
        assertTrue(problem.message().contains("MB uncompressed") && problem.message().contains("8MB"),
                problem.message());
        assertTrue(new ParquetDatasetChecker(ParquetCheckOptions.together()).check(file).passed(),
                "the default limit reads it");
    }

    @Test
    void anUnreadableFileIsOneProblemNotAStackTrace() throws Exception {
        Path junk = Files.write(dir.resolve("junk.parquet"), new byte[] {'P', 'A', 'R', '1', 0, 0, 0});
        ParquetCheckReport report = together.check(junk);
        assertFalse(report.passed());
        ParquetProblem problem = only(report, ParquetRule.DATASET_PARQUET_UNREADABLE);
        assertTrue(problem.message().contains("junk.parquet"), problem.message());
    }
}
