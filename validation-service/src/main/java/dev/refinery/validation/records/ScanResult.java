package dev.refinery.validation.records;

import java.util.List;
import java.util.Map;

/**
 * What one pass over a dataset found.
 *
 * @param lines          physical lines read
 * @param records        non-blank lines (each one is meant to be a record)
 * @param validRecords   records without problems (the ones written to the splits)
 * @param invalidRecords records with at least one problem
 * @param problems       every problem counted, all rules (records can have several)
 * @param ruleCounts     problems per rule, all counted
 * @param samples        the problems kept for the report (capped per rule), in line order
 * @param splitRecords   valid records per split
 */
public record ScanResult(long lines, long records, long validRecords, long invalidRecords, long problems,
                         Map<Rule, Long> ruleCounts, List<LineProblem> samples, Map<Split, Long> splitRecords) {

    public ScanResult {
        ruleCounts = Map.copyOf(ruleCounts);
        samples = List.copyOf(samples);
        splitRecords = Map.copyOf(splitRecords);
    }

    /**
     * A dataset is valid when it has at least one valid record, no problem at all, and a non-empty train
     * split: anything else would hand training a dataset that is partly wrong or unusable.
     */
    public boolean valid() {
        return validRecords > 0 && problems == 0 && splitRecords(Split.TRAIN) > 0;
    }

    public long splitRecords(Split split) {
        return splitRecords.getOrDefault(split, 0L);
    }

    /** The result for a dataset whose file could not be read at all. */
    public static ScanResult unreadable(String why) {
        ProblemTally tally = new ProblemTally(1);
        tally.add(LineProblem.ofDataset(Rule.DATASET_UNREADABLE, why));
        return new ScanResult(0, 0, 0, 0, tally.total(), tally.counts(), tally.samples(), Map.of());
    }
}
