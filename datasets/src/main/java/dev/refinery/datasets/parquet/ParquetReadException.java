package dev.refinery.datasets.parquet;

/**
 * The file cannot be read: not Parquet or damaged ({@link ParquetRule#DATASET_PARQUET_UNREADABLE}), or its row
 * groups do not fit the reader's memory limit ({@link ParquetRule#DATASET_PARQUET_ROW_GROUP_TOO_LARGE}).
 */
public class ParquetReadException extends Exception {

    private final ParquetRule rule;

    ParquetReadException(String message, Throwable cause) {
        this(ParquetRule.DATASET_PARQUET_UNREADABLE, message, cause);
    }

    ParquetReadException(ParquetRule rule, String message, Throwable cause) {
        super(message, cause);
        this.rule = rule;
    }

    public ParquetRule rule() {
        return rule;
    }
}
