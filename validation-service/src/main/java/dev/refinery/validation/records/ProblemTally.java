package dev.refinery.validation.records;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts every problem per rule but keeps only the first {@code samplesPerRule} of each rule, so a file
 * with millions of bad lines has exact counts and a report of bounded size.
 */
public final class ProblemTally {

    private final int samplesPerRule;
    private final Map<Rule, Long> counts = new EnumMap<>(Rule.class);
    private final List<LineProblem> samples = new ArrayList<>();

    public ProblemTally(int samplesPerRule) {
        if (samplesPerRule < 0) {
            throw new IllegalArgumentException("samplesPerRule must not be negative, got " + samplesPerRule);
        }
        this.samplesPerRule = samplesPerRule;
    }

    public void add(LineProblem problem) {
        long seen = counts.merge(problem.rule(), 1L, Long::sum);
        if (seen <= samplesPerRule) {
            samples.add(problem);
        }
    }

    /** Problems counted, all rules. */
    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<Rule, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }

    /** The kept problems in the order they were found (line order for one pass over a file). */
    public List<LineProblem> samples() {
        return Collections.unmodifiableList(samples);
    }
}
