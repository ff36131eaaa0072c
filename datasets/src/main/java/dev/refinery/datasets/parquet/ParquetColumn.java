package dev.refinery.datasets.parquet;

import java.util.Set;
import java.util.regex.Pattern;

/** A column as DuckDB reads it from the file's schema, e.g. {@code input_ids INTEGER[]}. */
public record ParquetColumn(String name, String type) {

    /** The columns a pre-tokenized file may have (providers.md §1.3). */
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LABELS = "labels";
    public static final Set<String> ALLOWED = Set.of(INPUT_IDS, ATTENTION_MASK, LABELS);

    private static final Pattern INTEGER_LIST =
            Pattern.compile("(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT))\\[\\d*]");

    /** Whether the column holds lists of integers of any width, signed or not. */
    public boolean isIntegerList() {
        return INTEGER_LIST.matcher(type).matches();
    }
}
