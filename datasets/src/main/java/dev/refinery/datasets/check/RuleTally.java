package dev.refinery.datasets.check;

import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.rules.Rule;
import dev.refinery.datasets.rules.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Findings counted per rule, with the first few of each kept (in file order) as samples. */
final class RuleTally {

    private final int samplesPerRule;
    private final Map<Rule, long[]> counts = new EnumMap<>(Rule.class);
    private final Map<Rule, Severity> severities = new EnumMap<>(Rule.class);
    private final Map<Rule, List<DatasetReport.Sample>> samples = new EnumMap<>(Rule.class);
    private long errors;
    private long warnings;

    RuleTally(int samplesPerRule) {
        this.samplesPerRule = samplesPerRule;
    }

    void add(long line, Finding f) {
        counts.computeIfAbsent(f.rule(), r -> new long[1])[0]++;
        severities.merge(f.rule(), f.severity(), (a, b) -> a == Severity.ERROR || b == Severity.ERROR ? Severity.ERROR : Severity.WARNING);
        if (f.isError()) {
            errors++;
        } else {
            warnings++;
        }
        List<DatasetReport.Sample> kept = samples.computeIfAbsent(f.rule(), r -> new ArrayList<>());
        if (kept.size() < samplesPerRule) {
            kept.add(new DatasetReport.Sample(line > 0 ? line : null, f.path(), f.message()));
        }
    }

    long errors() {
        return errors;
    }

    long warnings() {
        return warnings;
    }

    long count(Rule rule) {
        long[] c = counts.get(rule);
        return c == null ? 0 : c[0];
    }

    boolean hasErrors() {
        return errors > 0;
    }

    /** Errors first, then by count, then by code: what a user should fix first comes first. */
    List<DatasetReport.RuleCount> summary() {
        List<DatasetReport.RuleCount> out = new ArrayList<>();
        counts.forEach((rule, c) -> out.add(new DatasetReport.RuleCount(rule.code(), severities.get(rule).name(), c[0], rule.hint(),
                List.copyOf(samples.get(rule)))));
        out.sort(Comparator.comparing((DatasetReport.RuleCount r) -> !r.severity().equals("ERROR"))
                .thenComparing(r -> -r.count()).thenComparing(DatasetReport.RuleCount::code));
        return out;
    }

    /** The error rules as a target verdict's reasons (warnings do not stop a target). */
    List<DatasetReport.Reason> errorReasons() {
        List<DatasetReport.Reason> out = new ArrayList<>();
        for (DatasetReport.RuleCount r : summary()) {
            if (r.severity().equals("ERROR")) {
                DatasetReport.Sample first = r.samples().isEmpty() ? null : r.samples().get(0);
                out.add(new DatasetReport.Reason(r.code(), r.count(), first == null ? null : first.line(),
                        first == null ? "" : first.message()));
            }
        }
        return out;
    }
}
