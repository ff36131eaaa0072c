package dev.refinery.validation.records;

import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.datasets.rules.Rule;
import dev.refinery.datasets.split.Split;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this service keeps of a check: the counts, the per-rule totals and sample problems it stores and
 * serves, and the split sizes. The whole report (report.json) is the library's {@link DatasetReport}.
 *
 * @param lines          physical lines read
 * @param records        non-blank lines (each one is meant to be a record)
 * @param validRecords   records the target accepts
 * @param invalidRecords records with at least one error
 * @param problems       findings counted, errors and warnings
 * @param accepted       whether the target accepts the dataset (no errors)
 * @param ruleCounts     findings per rule code
 * @param samples        the findings kept for the report (capped per rule)
 * @param splitRecords   kept records per split
 */
public record ScanResult(long lines, long records, long validRecords, long invalidRecords, long problems, boolean accepted,
                         Map<String, Long> ruleCounts, List<LineProblem> samples, Map<Split, Long> splitRecords) {

    public ScanResult {
        ruleCounts = Map.copyOf(ruleCounts);
        samples = List.copyOf(samples);
        splitRecords = Map.copyOf(splitRecords);
    }

    /** Valid: the target accepts it and training has records to learn from. Warnings (stripped fields, duplicates) do not count against it. */
    public boolean valid() {
        return accepted && validRecords > 0 && splitRecords(Split.TRAIN) > 0;
    }

    public long splitRecords(Split split) {
        return splitRecords.getOrDefault(split, 0L);
    }

    public static ScanResult of(DatasetReport report) {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<LineProblem> samples = new ArrayList<>();
        for (DatasetReport.RuleCount rule : report.problems()) {
            counts.put(rule.code(), rule.count());
            for (DatasetReport.Sample s : rule.samples()) {
                samples.add(new LineProblem(s.line(), rule.code(), s.path() == null ? "" : s.path(), s.message(), rule.hint()));
            }
        }
        Map<Split, Long> splits = new EnumMap<>(Split.class);
        if (report.splits() != null) {
            for (Split s : Split.values()) {
                splits.put(s, report.splits().records().getOrDefault(s.id(), 0L));
            }
        }
        return new ScanResult(report.lines(), report.records(), report.validRecords(), report.invalidRecords(),
                report.errors() + report.warnings(), report.accepted(), counts, samples, splits);
    }

    /** The result for a dataset whose file could not be read at all. */
    public static ScanResult unreadable(String why) {
        Rule rule = Rule.UNREADABLE;
        return new ScanResult(0, 0, 0, 0, 1, false, Map.of(rule.code(), 1L), List.of(new LineProblem(null, rule.code(), "", why, rule.hint())),
                Map.of());
    }
}
