package dev.refinery.datasets.parquet;

import java.util.List;
import java.util.Map;

/**
 * The outcome of checking one Parquet file: its columns, exact token counts (rows that could not be read are not
 * counted), the problems listed (capped per rule) and how many of each there were in all.
 *
 * @param trainedTokens tokens the loss covers (labels other than -100; all tokens without labels)
 * @param paddingTokens tokens with attention_mask 0
 */
public record ParquetCheckReport(List<String> columns, long rows, long tokens, long trainedTokens,
                                 long paddingTokens, int longestRowTokens, List<ParquetProblem> problems,
                                 Map<ParquetRule, Long> problemCounts) {

    public ParquetCheckReport {
        columns = List.copyOf(columns);
        problems = List.copyOf(problems);
        problemCounts = Map.copyOf(problemCounts);
    }

    /** No errors (warnings allowed). */
    public boolean passed() {
        return problemCounts.keySet().stream().noneMatch(rule -> rule.severity() == ParquetRule.Severity.ERROR);
    }

    public long count(ParquetRule rule) {
        return problemCounts.getOrDefault(rule, 0L);
    }
}
