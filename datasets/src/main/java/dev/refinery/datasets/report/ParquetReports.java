package dev.refinery.datasets.report;

import dev.refinery.datasets.parquet.ParquetCheckReport;
import dev.refinery.datasets.parquet.ParquetProblem;
import dev.refinery.datasets.parquet.ParquetRule;
import dev.refinery.datasets.targets.Target;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pre-tokenized Parquet file's check as a {@link DatasetReport}, so `refinery datasets check` shows
 * JSONL and Parquet the same way: rows are the records (line = row number, path = column), the tokens
 * are exact (they are the file), and only Together takes pre-tokenized data.
 */
public final class ParquetReports {

    private ParquetReports() {
    }

    public static DatasetReport of(ParquetCheckReport parquet, long bytes, Target target) {
        Map<ParquetRule, List<DatasetReport.Sample>> samples = new LinkedHashMap<>();
        for (ParquetProblem p : parquet.problems()) {
            samples.computeIfAbsent(p.rule(), r -> new ArrayList<>()).add(new DatasetReport.Sample(p.row(), p.column(), p.message()));
        }
        List<DatasetReport.RuleCount> problems = new ArrayList<>();
        long errors = 0;
        long warnings = 0;
        for (Map.Entry<ParquetRule, Long> e : parquet.problemCounts().entrySet()) {
            ParquetRule rule = e.getKey();
            problems.add(new DatasetReport.RuleCount(rule.name(), rule.severity().name(), e.getValue(), rule.hint(),
                    samples.getOrDefault(rule, List.of())));
            if (rule.severity() == ParquetRule.Severity.ERROR) {
                errors += e.getValue();
            } else {
                warnings += e.getValue();
            }
        }
        problems.sort(Comparator.comparing((DatasetReport.RuleCount r) -> !r.severity().equals("ERROR")).thenComparing(DatasetReport.RuleCount::code));
        List<DatasetReport.Reason> reasons = problems.stream().filter(r -> r.severity().equals("ERROR"))
                .map(r -> new DatasetReport.Reason(r.code(), r.count(), r.samples().isEmpty() ? null : r.samples().get(0).line(),
                        r.samples().isEmpty() ? "" : r.samples().get(0).message())).toList();
        List<DatasetReport.TargetVerdict> verdicts = new ArrayList<>();
        for (Target t : Target.values()) {
            boolean takesTokens = t == Target.TOGETHER;
            List<DatasetReport.Reason> why = takesTokens ? reasons
                    : List.of(new DatasetReport.Reason("DATASET_METHOD_NOT_SUPPORTED", parquet.rows(), null,
                    t.displayName() + " does not accept pre-tokenized Parquet"));
            verdicts.add(new DatasetReport.TargetVerdict(t.id(), t.displayName(), null, null, null, takesTokens && parquet.passed(),
                    takesTokens ? parquet.rows() : 0, t.minRecords(), why, t.notes(), null, List.of()));
        }
        boolean accepted = verdicts.get(target.ordinal()).accepted();
        long invalidRows = parquet.problems().stream().filter(p -> p.row() != null && p.severity() == ParquetRule.Severity.ERROR)
                .map(ParquetProblem::row).distinct().count();
        double share = parquet.tokens() == 0 ? 0 : Math.round(parquet.trainedTokens() * 1000.0 / parquet.tokens()) / 1000.0;
        TokenReport tokens = new TokenReport("input_ids of the file", "exact", false, 0, parquet.rows(), parquet.tokens(),
                parquet.trainedTokens(), share, 0, 0, 0, parquet.longestRowTokens(), List.of(), null, null, 0, List.of(), 0,
                parquet.tokens(), Map.of());
        return new DatasetReport(1, "tokenized", false, bytes, parquet.rows(), parquet.rows(), parquet.rows() - invalidRows, invalidRows,
                target.id(), null, accepted, errors, warnings, problems, verdicts, null, null, null, tokens, null, null);
    }
}
