package dev.refinery.datasets.parquet;

import java.util.Arrays;

/**
 * One row of a pre-tokenized file. {@code attentionMask} and {@code labels} are null when the file has no such
 * column. Token counts are exact: the provider trains on these ids as they are.
 *
 * @param rowNumber 1-based, in file order
 */
public record ParquetRow(long rowNumber, int[] inputIds, int[] attentionMask, int[] labels) {

    /** Label value that leaves a token out of the loss. */
    public static final int IGNORED_LABEL = -100;

    public int tokenCount() {
        return inputIds.length;
    }

    /** Tokens the loss covers: labels other than -100, or every token when the file has no labels. */
    public int trainedTokenCount() {
        if (labels == null) {
            return inputIds.length;
        }
        int trained = 0;
        for (int label : labels) {
            if (label != IGNORED_LABEL) {
                trained++;
            }
        }
        return trained;
    }

    /** Tokens marked as padding (attention_mask 0); 0 without a mask. */
    public int paddingTokenCount() {
        if (attentionMask == null) {
            return 0;
        }
        int padding = 0;
        for (int mask : attentionMask) {
            if (mask == 0) {
                padding++;
            }
        }
        return padding;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParquetRow that && rowNumber == that.rowNumber
                && Arrays.equals(inputIds, that.inputIds) && Arrays.equals(attentionMask, that.attentionMask)
                && Arrays.equals(labels, that.labels);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rowNumber) * 31 + Arrays.hashCode(inputIds);
    }

    @Override
    public String toString() {
        return "ParquetRow[" + rowNumber + ", tokens=" + inputIds.length + ", mask=" + (attentionMask != null)
                + ", labels=" + (labels != null) + "]";
    }
}
