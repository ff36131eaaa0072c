package dev.refinery.datasets.parquet;

/**
 * The checks a pre-tokenized Parquet file goes through (Together's rules, providers.md §1.3, plus what makes a
 * row untrainable). The names are stable codes: reports, the API and the command line all show them.
 */
public enum ParquetRule {
    DATASET_PARQUET_UNREADABLE(Severity.ERROR, "The file is missing, not Parquet, or damaged."),
    DATASET_PARQUET_ROW_GROUP_TOO_LARGE(Severity.ERROR,
            "A row group needs more memory than the reader may use; raise the limit or write smaller row groups."),
    DATASET_PARQUET_MISSING_INPUT_IDS(Severity.ERROR, "Pre-tokenized files need an input_ids column."),
    DATASET_PARQUET_EXTRA_COLUMN(Severity.ERROR, "Only input_ids, attention_mask and labels are allowed; drop the column."),
    DATASET_PARQUET_WRONG_COLUMN_TYPE(Severity.ERROR, "The column must be a list of integers."),
    DATASET_PARQUET_NULL_VALUE(Severity.ERROR, "A list or one of its values is null; write every value."),
    DATASET_PARQUET_EMPTY_INPUT_IDS(Severity.ERROR, "A row has no tokens; remove it."),
    DATASET_PARQUET_TOKEN_ID_INVALID(Severity.ERROR, "Token ids are non-negative and below the vocabulary size."),
    DATASET_PARQUET_LENGTH_MISMATCH(Severity.ERROR, "attention_mask and labels need one value per input_ids token."),
    DATASET_PARQUET_ATTENTION_MASK_NOT_BINARY(Severity.ERROR, "attention_mask is 1 for real tokens and 0 for padding."),
    DATASET_PARQUET_LABEL_INVALID(Severity.ERROR, "A label is a token id, or -100 to leave the token out of the loss."),
    DATASET_PARQUET_TOO_FEW_ROWS(Severity.ERROR, "The provider needs more rows than the file has."),
    DATASET_PARQUET_NO_TRAINED_TOKENS(Severity.WARNING, "Every label in the row is -100, so the row teaches nothing."),
    DATASET_PARQUET_LOSS_ON_PADDING(Severity.WARNING, "A padding token (attention_mask 0) has a label; use -100.");

    public enum Severity { ERROR, WARNING }

    private final Severity severity;
    private final String hint;

    ParquetRule(Severity severity, String hint) {
        this.severity = severity;
        this.hint = hint;
    }

    public Severity severity() {
        return severity;
    }

    public String hint() {
        return hint;
    }
}
