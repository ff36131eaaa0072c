package dev.refinery.datasets.parquet;

/**
 * Receives a file's rows in order. A row whose lists cannot become token ids (a null, a value beyond 32 bits) is
 * not handed over as a row; it arrives as a problem instead, and reading goes on.
 */
public interface ParquetRowVisitor {

    void row(ParquetRow row);

    void unreadableValue(ParquetProblem problem);
}
