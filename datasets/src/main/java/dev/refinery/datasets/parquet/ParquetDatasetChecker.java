package dev.refinery.datasets.parquet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a pre-tokenized Parquet file against Together's rules (providers.md §1.3): input_ids required, only
 * input_ids / attention_mask / labels allowed, at least the minimum rows; and per row what a trainer needs: equal
 * lengths, a 0/1 mask, labels that are ids or -100, no empty rows. One pass, streaming, every problem with its
 * rule, row and column.
 */
public final class ParquetDatasetChecker {

    private final ParquetCheckOptions options;

    public ParquetDatasetChecker(ParquetCheckOptions options) {
        this.options = options;
    }

    public ParquetCheckReport check(Path file) {
        Findings findings = new Findings(options.maxProblemsPerRule());
        try (ParquetDatasetReader reader = ParquetDatasetReader.open(file, options.limits())) {
            List<String> names = reader.columns().stream().map(ParquetColumn::name).toList();
            boolean rowsReadable = checkSchema(reader, findings);
            long rows;
            if (rowsReadable) {
                RowChecks checks = new RowChecks(options.vocabularySize(), findings);
                reader.forEachRow(checks);
                rows = checks.rows;
            } else {
                rows = reader.rowCount();
            }
            if (rows < options.minRows()) {
                findings.add(ParquetProblem.ofFile(ParquetRule.DATASET_PARQUET_TOO_FEW_ROWS, null, "the file has "
                        + rows + " row(s); at least " + options.minRows() + " needed"));
            }
            return findings.report(names, rows);
        } catch (ParquetReadException e) {
            findings.add(ParquetProblem.ofFile(e.rule(), null, e.getMessage()));
            return findings.report(List.of(), 0);
        }
    }

    /** Reports column problems; answers whether the rows can be read (input_ids present and a list of integers). */
    private static boolean checkSchema(ParquetDatasetReader reader, Findings findings) {
        for (ParquetColumn column : reader.columns()) {
            if (!ParquetColumn.ALLOWED.contains(column.name())) {
                findings.add(ParquetProblem.ofFile(ParquetRule.DATASET_PARQUET_EXTRA_COLUMN, column.name(),
                        "extra column '" + column.name() + "' (" + column.type() + "); only input_ids, attention_mask "
                                + "and labels are allowed"));
            } else if (!column.isIntegerList()) {
                findings.add(ParquetProblem.ofFile(ParquetRule.DATASET_PARQUET_WRONG_COLUMN_TYPE, column.name(),
                        column.name() + " is " + column.type() + ", not a list of integers"));
            }
        }
        if (reader.column(ParquetColumn.INPUT_IDS).isEmpty()) {
            findings.add(ParquetProblem.ofFile(ParquetRule.DATASET_PARQUET_MISSING_INPUT_IDS, ParquetColumn.INPUT_IDS,
                    "no input_ids column (found: " + String.join(", ",
                            reader.columns().stream().map(ParquetColumn::name).toList()) + ")"));
            return false;
        }
        return reader.column(ParquetColumn.INPUT_IDS).orElseThrow().isIntegerList();
    }

    /** The per-row rules, applied as rows stream by; keeps the running token totals. */
    private static final class RowChecks implements ParquetRowVisitor {
        private final Integer vocabularySize;
        private final Findings findings;
        private long rows;

        RowChecks(Integer vocabularySize, Findings findings) {
            this.vocabularySize = vocabularySize;
            this.findings = findings;
        }

        @Override
        public void unreadableValue(ParquetProblem problem) {
            rows = Math.max(rows, problem.row());
            findings.add(problem);
        }

        @Override
        public void row(ParquetRow row) {
            rows = row.rowNumber();
            long n = row.rowNumber();
            int[] ids = row.inputIds();
            if (ids.length == 0) {
                findings.add(ParquetProblem.ofRow(ParquetRule.DATASET_PARQUET_EMPTY_INPUT_IDS, n,
                        ParquetColumn.INPUT_IDS, "input_ids is empty"));
                return;
            }
            firstInvalidId(ids).ifPresent(i -> findings.add(ParquetProblem.ofRow(
                    ParquetRule.DATASET_PARQUET_TOKEN_ID_INVALID, n, ParquetColumn.INPUT_IDS,
                    "input_ids[" + i + "] = " + ids[i] + " is not a token id" + vocabularyNote())));
            boolean maskUsable = checkMask(row);
            boolean labelsUsable = checkLabels(row);
            if (labelsUsable && row.trainedTokenCount() == 0) {
                findings.add(ParquetProblem.ofRow(ParquetRule.DATASET_PARQUET_NO_TRAINED_TOKENS, n, ParquetColumn.LABELS,
                        "every label is -100"));
            }
            if (maskUsable && labelsUsable) {
                checkLossOnPadding(row);
            }
            findings.count(row, maskUsable, labelsUsable);
        }

        private boolean checkMask(ParquetRow row) {
            int[] mask = row.attentionMask();
            if (mask == null) {
                return false;
            }
            if (mask.length != row.inputIds().length) {
                lengthMismatch(row, ParquetColumn.ATTENTION_MASK, mask.length);
                return false;
            }
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] != 0 && mask[i] != 1) {
                    findings.add(ParquetProblem.ofRow(ParquetRule.DATASET_PARQUET_ATTENTION_MASK_NOT_BINARY,
                            row.rowNumber(), ParquetColumn.ATTENTION_MASK,
                            "attention_mask[" + i + "] = " + mask[i] + "; only 0 and 1 are allowed"));
                    return false;
                }
            }
            return true;
        }

        private boolean checkLabels(ParquetRow row) {
            int[] labels = row.labels();
            if (labels == null) {
                return false;
            }
            if (labels.length != row.inputIds().length) {
                lengthMismatch(row, ParquetColumn.LABELS, labels.length);
                return false;
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] != ParquetRow.IGNORED_LABEL && !plausibleId(labels[i])) {
                    findings.add(ParquetProblem.ofRow(ParquetRule.DATASET_PARQUET_LABEL_INVALID, row.rowNumber(),
                            ParquetColumn.LABELS, "labels[" + i + "] = " + labels[i] + " is neither -100 nor a token id"
                                    + vocabularyNote()));
                    return false;
                }
            }
            return true;
        }

        private void checkLossOnPadding(ParquetRow row) {
            int[] mask = row.attentionMask();
            int[] labels = row.labels();
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] == 0 && labels[i] != ParquetRow.IGNORED_LABEL) {
                    findings.add(ParquetProblem.ofRow(ParquetRule.DATASET_PARQUET_LOSS_ON_PADDING, row.rowNumber(),
                            ParquetColumn.LABELS, "token " + i + " is padding (attention_mask 0) but has label "
                                    + labels[i]));
                    return;
                }
            }
        }

        private void lengthMismatch(ParquetRow row, String column, int length) {
            findings.add(ParquetProblem.ofRow(ParquetRule.DATASET_PARQUET_LENGTH_MISMATCH, row.rowNumber(), column,
                    column + " has " + length + " values, input_ids has " + row.inputIds().length));
        }

        private java.util.OptionalInt firstInvalidId(int[] ids) {
            for (int i = 0; i < ids.length; i++) {
                if (!plausibleId(ids[i])) {
                    return java.util.OptionalInt.of(i);
                }
            }
            return java.util.OptionalInt.empty();
        }

        private boolean plausibleId(int value) {
            return value >= 0 && (vocabularySize == null || value < vocabularySize);
        }

        private String vocabularyNote() {
            return vocabularySize == null ? "" : " (vocabulary size " + vocabularySize + ")";
        }
    }

    /** Problems kept up to a cap per rule, every one counted; token totals of the rows that were read. */
    private static final class Findings {
        private final int maxPerRule;
        private final List<ParquetProblem> problems = new ArrayList<>();
        private final Map<ParquetRule, Long> counts = new EnumMap<>(ParquetRule.class);
        private long tokens;
        private long trainedTokens;
        private long paddingTokens;
        private int longestRow;

        Findings(int maxPerRule) {
            this.maxPerRule = maxPerRule;
        }

        void add(ParquetProblem problem) {
            long seen = counts.merge(problem.rule(), 1L, Long::sum);
            if (seen <= maxPerRule) {
                problems.add(problem);
            }
        }

        void count(ParquetRow row, boolean maskUsable, boolean labelsUsable) {
            tokens += row.tokenCount();
            trainedTokens += labelsUsable || row.labels() == null ? row.trainedTokenCount() : 0;
            paddingTokens += maskUsable ? row.paddingTokenCount() : 0;
            longestRow = Math.max(longestRow, row.tokenCount());
        }

        ParquetCheckReport report(List<String> columns, long rows) {
            return new ParquetCheckReport(columns, rows, tokens, trainedTokens, paddingTokens, longestRow, problems,
                    counts);
        }
    }
}
