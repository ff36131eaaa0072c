package dev.refinery.datasets.parquet;

/**
 * What to check a file against.
 *
 * @param minRows            the provider's minimum number of samples (Together: 1)
 * @param vocabularySize     the model's vocabulary size when known: ids and labels must be below it; null skips
 *                           the upper bound (any non-negative id is then plausible)
 * @param maxProblemsPerRule problems listed per rule; all of them are still counted
 * @param limits             DuckDB's native memory and threads
 */
public record ParquetCheckOptions(long minRows, Integer vocabularySize, int maxProblemsPerRule, DuckDbLimits limits) {

    /** Together's client-side minimum (MIN_SAMPLES = 1, providers.md §1.3). */
    public static final long TOGETHER_MIN_SAMPLES = 1;

    public static ParquetCheckOptions together() {
        return new ParquetCheckOptions(TOGETHER_MIN_SAMPLES, null, 100, DuckDbLimits.DEFAULT);
    }

    public ParquetCheckOptions withVocabularySize(Integer size) {
        return new ParquetCheckOptions(minRows, size, maxProblemsPerRule, limits);
    }

    public ParquetCheckOptions withMinRows(long rows) {
        return new ParquetCheckOptions(rows, vocabularySize, maxProblemsPerRule, limits);
    }

    public ParquetCheckOptions withLimits(DuckDbLimits duckDbLimits) {
        return new ParquetCheckOptions(minRows, vocabularySize, maxProblemsPerRule, duckDbLimits);
    }

    public ParquetCheckOptions withMaxProblemsPerRule(int max) {
        return new ParquetCheckOptions(minRows, vocabularySize, max, limits);
    }
}
