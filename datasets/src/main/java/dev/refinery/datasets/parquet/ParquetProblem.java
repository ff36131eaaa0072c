package dev.refinery.datasets.parquet;

/**
 * One thing wrong with a Parquet file: the rule, where (1-based row, column; null when it concerns the whole
 * file) and what was found.
 */
public record ParquetProblem(ParquetRule rule, Long row, String column, String message) {

    public static ParquetProblem ofFile(ParquetRule rule, String column, String message) {
        return new ParquetProblem(rule, null, column, message);
    }

    public static ParquetProblem ofRow(ParquetRule rule, long row, String column, String message) {
        return new ParquetProblem(rule, row, column, message);
    }

    public ParquetRule.Severity severity() {
        return rule.severity();
    }

    @Override
    public String toString() {
        String where = (row == null ? "" : "row " + row) + (column == null ? "" : (row == null ? "" : ", ") + "column "
                + column);
        return rule + (where.isEmpty() ? "" : " (" + where + ")") + ": " + message;
    }
}
