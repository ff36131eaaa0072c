package dev.refinery.datasets.report;

import dev.refinery.datasets.rules.Quantity;

import java.util.Locale;
import java.util.Map;

/** The report for people: verdict first, then what to fix (with lines), then the numbers. */
public final class ReportSummary {

    private static final int LINES_SHOWN = 5;

    private ReportSummary() {
    }

    public static String render(DatasetReport r) {
        StringBuilder out = new StringBuilder();
        out.append(r.accepted() ? "ACCEPTED" : "REJECTED").append(" for ").append(r.target())
                .append(r.model() == null ? "" : " (" + r.model() + ")").append(": ")
                .append(Quantity.of(r.records(), "record")).append(String.format(Locale.ROOT, ", %,d valid, %,d invalid; ", r.validRecords(),
                        r.invalidRecords())).append(Quantity.of(r.errors(), "error")).append(", ").append(Quantity.of(r.warnings(), "warning"))
                .append('\n');
        out.append("format: ").append(r.format() == null ? "none detected" : r.format()).append(r.gzip() ? " (gzip)" : "")
                .append(", ").append(Quantity.of(r.lines(), "line")).append(", ").append(Quantity.of(r.bytes(), "byte")).append('\n');
        if (!r.problems().isEmpty()) {
            out.append("\nproblems (rule, count, first lines):\n");
            for (DatasetReport.RuleCount p : r.problems()) {
                out.append(String.format(Locale.ROOT, "  %-7s %-38s %,9d%n", p.severity(), p.code(), p.count()));
                p.samples().stream().limit(LINES_SHOWN).forEach(s -> out.append("          ")
                        .append(s.line() == null ? "file" : "line " + s.line())
                        .append(s.path() == null || s.path().isEmpty() ? "" : " " + s.path()).append(": ").append(s.message()).append('\n'));
                out.append("          fix: ").append(p.hint()).append('\n');
            }
        }
        out.append("\ntargets:\n");
        for (DatasetReport.TargetVerdict t : r.targets()) {
            out.append(String.format(Locale.ROOT, "  %-10s %-8s %s %s", t.target(), t.accepted() ? "accepts" : "rejects",
                    Quantity.of(t.acceptedRecords(), "record"), t.acceptedRecords() == 1 ? "qualifies" : "qualify"));
            if (t.model() != null) {
                out.append(" (").append(t.model()).append(t.contextLength() == null ? "" : String.format(Locale.ROOT, ", context %,d", t.contextLength()))
                        .append(')');
            }
            t.reasons().stream().limit(3).forEach(reason -> out.append("; ").append(reason.code()).append(" x").append(reason.count()));
            out.append('\n');
            if (!t.providerCheckRefuses().isEmpty()) {
                out.append("             ").append(t.providerCheck()).append(" would refuse the raw file (");
                for (int i = 0; i < t.providerCheckRefuses().size(); i++) {
                    DatasetReport.Reason refused = t.providerCheckRefuses().get(i);
                    out.append(i == 0 ? "" : "; ").append(refused.code()).append(" x").append(refused.count())
                            .append(refused.firstLine() == null ? "" : " from line " + refused.firstLine()).append(": ").append(refused.message());
                }
                out.append("); the validated output (--out) passes it\n");
            }
        }
        DatasetReport.Statistics s = r.statistics();
        if (s != null) {
            out.append(String.format(Locale.ROOT, "%nstatistics: turns per record min %d / mean %.2f / max %d; roles %s; empty answers %d,"
                    + " near-empty (< %d chars) %d%n", s.turnsMin(), s.turnsMean(), s.turnsMax(), compact(s.roles()), s.emptyAnswers(),
                    s.nearEmptyChars(), s.nearEmptyAnswers()));
        }
        DatasetReport.Duplicates d = r.duplicates();
        if (d != null) {
            out.append(String.format(Locale.ROOT, "duplicates: %d exact, %d near, %d in earlier versions; %d removed (policy %s)%n",
                    d.exact(), d.nearDuplicates(), d.inEarlierVersions(), d.removed(), d.policy()));
        }
        if (r.splits() != null) {
            out.append("splits ").append(r.splits().ratios()).append(": ").append(compact(r.splits().records())).append('\n');
        }
        TokenReport t = r.tokens();
        if (t != null) {
            out.append(String.format(Locale.ROOT, "tokens (%s, %s): %,d total, %,d trained (%.1f%%); per record p50 %d, p95 %d, max %d%n",
                    t.tokenizer(), t.accuracy(), t.totalTokens(), t.trainedTokens(), t.trainedShare() * 100, t.p50(), t.p95(), t.max()));
            if (t.contextLength() != null) {
                out.append(String.format(Locale.ROOT, "context %,d: %,d records over it (policy %s)%n", t.contextLength(), t.overContextRecords(),
                        t.overContextPolicy() == null ? "none chosen: fail" : t.overContextPolicy()));
            }
        }
        if (r.cost() != null) {
            out.append("cost: ").append(r.cost().summary()).append('\n');
        }
        return out.toString();
    }

    private static String compact(Map<String, Long> counts) {
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }
}
