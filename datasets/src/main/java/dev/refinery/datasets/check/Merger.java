package dev.refinery.datasets.check;

import dev.refinery.catalog.cost.CostEstimate;
import dev.refinery.catalog.cost.CostEstimator;
import dev.refinery.catalog.cost.CostRequest;
import dev.refinery.catalog.cost.DatasetTokens;
import dev.refinery.datasets.dedup.LongHashSet;
import dev.refinery.datasets.format.RecordFormat;
import dev.refinery.datasets.format.Role;
import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.datasets.report.TokenReport;
import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.rules.Quantity;
import dev.refinery.datasets.rules.Rule;
import dev.refinery.datasets.split.HeldOutSet;
import dev.refinery.datasets.split.Split;
import dev.refinery.datasets.split.SplitAssigner;
import dev.refinery.datasets.split.SplitPolicy;
import dev.refinery.datasets.targets.RawFileIssue;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.datasets.tokens.RecordTokens;
import dev.refinery.datasets.tokens.TokenStats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes the workers' block results in file order and does what needs the whole file: absolute line
 * numbers, the file's format, duplicates (within the file and against earlier versions), splits,
 * the outputs, totals and every target's verdict. Single-threaded, and light: the heavy work is done.
 */
final class Merger {

    private final CheckOptions options;
    private final CheckOutputs outputs;
    private final RuleTally problems;
    private final Map<Target, RuleTally> byTarget = new EnumMap<>(Target.class);
    private final Map<Target, long[]> acceptedByTarget = new EnumMap<>(Target.class);
    private final LongHashSet exact = new LongHashSet(1 << 14);
    private final LongHashSet normalized = new LongHashSet(1 << 14);
    private final Map<Split, Long> splitCounts = new EnumMap<>(Split.class);
    private final RecordStats stats = new RecordStats();
    private final TokenStats tokens;
    private long droppedOverContext;
    private final Map<Split, long[]> splitTokens = new EnumMap<>(Split.class);
    private final SplitAssigner splitter;
    private final RawIssues rawIssues = new RawIssues();
    private boolean heldOutSkipped;
    private final HeldOutSet heldOut;
    private final DatasetReport testSetReport;
    private long leaks;

    private long lineBase;
    private long records;
    private long valid;
    private long kept;
    private long exactDuplicates;
    private long nearDuplicates;
    private long earlierVersionDuplicates;
    private long removed;
    private long crlfLines;
    private long firstCrlfLine;
    private RecordFormat fileFormat;
    /** Errors about the file as a whole (gzip, encoding): with one, an empty result is explained and not also "empty". */
    private int fileErrors;

    Merger(CheckOptions options, CheckOutputs outputs, HeldOutSet heldOut, DatasetReport testSetReport) {
        this.options = options;
        this.outputs = outputs;
        this.heldOut = heldOut;
        this.testSetReport = testSetReport;
        this.tokens = options.tokenCounter() == null || options.structuralOnly() ? null
                : new TokenStats(options.contextLength(), options.samplesPerRule());
        this.problems = new RuleTally(options.samplesPerRule());
        this.splitter = new SplitAssigner(options.splits(), this::place);
        for (Target t : Target.values()) {
            byTarget.put(t, new RuleTally(options.samplesPerRule()));
            acceptedByTarget.put(t, new long[1]);
        }
        for (Split s : Split.values()) {
            splitCounts.put(s, 0L);
        }
    }

    void accept(BlockResult r) throws IOException {
        records += r.records;
        stats.merge(r.stats);
        if (r.crlfLines > 0 && crlfLines == 0) {
            firstCrlfLine = lineBase + r.firstCrlfLine + 1;
        }
        crlfLines += r.crlfLines;
        int f = 0;
        int findings = r.findings.size();
        for (int u = 0; u < r.usable; u++) {
            int line = r.lineIndex[u];
            while (f < findings && r.findings.get(f).line() <= line) {
                shared(r.findings.get(f++));
            }
            record(r, u, lineBase + line + 1);
        }
        while (f < findings) {
            shared(r.findings.get(f++));
        }
        lineBase += r.lines;
    }

    /** A finding from a worker: shared rules count for every target, target rules for theirs. */
    private void shared(LineFinding lf) {
        long line = lineBase + lf.line() + 1;
        if (lf.finding().rule() == Rule.BLANK_LINE) {
            rawIssues.add(RawFileIssue.BLANK_LINE, line);
        }
        if (lf.target() == null) {
            problems.add(line, lf.finding());
            if (lf.finding().isError()) {
                byTarget.values().forEach(t -> t.add(line, lf.finding()));
            }
        } else {
            byTarget.get(lf.target()).add(line, lf.finding());
            if (lf.target() == options.target()) {
                problems.add(line, lf.finding());
            }
        }
    }

    private void record(BlockResult r, int u, long line) throws IOException {
        rawIssues.addRecord(r.rawIssues[u], line);
        RecordFormat format = RecordFormat.ALL[r.format[u]];
        if (fileFormat == null) {
            fileFormat = format;
        } else if (format != fileFormat) {
            Finding mixed = Finding.of(Rule.FORMAT_MIXED, "", "the record is " + format.id() + " data, but the file's first record is "
                    + fileFormat.id() + " data");
            problems.add(line, mixed);
            byTarget.values().forEach(t -> t.add(line, mixed));
            return;
        }
        for (Target t : Target.ALL) {
            if ((r.rejectedBy[u] & (1 << t.ordinal())) == 0) {
                acceptedByTarget.get(t)[0]++;
            }
        }
        if ((r.rejectedBy[u] & (1 << options.target().ordinal())) != 0) {
            return;
        }
        valid++;
        if (options.structuralOnly()) {
            return;
        }
        if (isDuplicate(r, u, line) || isLeak(r, u, line)) {
            removed++;
            return;
        }
        if (options.heldOutSink() != null) {
            options.heldOutSink().add(r.normalizedFp[u], r.promptFp[u], line);
        }
        if (tokens != null) {
            tokens.add(line, new RecordTokens(r.tokens[u], r.trainedTokens[u]));
            if (r.overContext[u] && options.overContext() == OverContextPolicy.DROP) {
                droppedOverContext++;
                return;
            }
        }
        kept++;
        int offset = r.outOffset[u];
        byte[] bytes = offset >= 0 ? r.block.data() : r.rewritten.array();
        splitter.add(r.promptFp[u], tokens != null ? r.tokens[u] : -1, bytes, offset >= 0 ? offset : -1 - offset, r.outLength[u]);
    }

    /** A kept record's final split: counted, its tokens added to the split's, written out. */
    private void place(Split split, long recordTokens, byte[] bytes, int offset, int length) throws IOException {
        splitCounts.merge(split, 1L, Long::sum);
        if (recordTokens >= 0) {
            long[] t = splitTokens.computeIfAbsent(split, s -> new long[2]);
            t[0] += recordTokens;
            t[1]++;
        }
        outputs.record(split, bytes, offset, length);
    }

    /** Reports duplicates; returns whether the record is to be dropped under the dedup policy. */
    private boolean isDuplicate(BlockResult r, int u, long line) {
        long firstExact = exact.putIfAbsent(r.exactFp[u], line);
        long firstNormalized = normalized.putIfAbsent(r.normalizedFp[u], line);
        if (firstExact >= 0) {
            exactDuplicates++;
            problems.add(line, Finding.of(Rule.DUPLICATE_RECORD, "", "the record repeats line " + firstExact));
            return options.dedup() != DedupPolicy.REPORT;
        }
        if (firstNormalized >= 0) {
            nearDuplicates++;
            problems.add(line, Finding.of(Rule.NEAR_DUPLICATE_RECORD, "", "the record equals line " + firstNormalized
                    + " except for case or whitespace"));
            return options.dedup() == DedupPolicy.DROP_NORMALIZED;
        }
        String version = options.earlierVersions().versionHolding(r.normalizedFp[u]);
        if (version != null) {
            earlierVersionDuplicates++;
            problems.add(line, Finding.of(Rule.DUPLICATE_OF_EARLIER_VERSION, "", "the record is already in version " + version));
            return options.dedup() == DedupPolicy.DROP_NORMALIZED;
        }
        return false;
    }

    /** Reports a record (or its prompt) that equals a fixed test set's record; returns whether to drop it. */
    private boolean isLeak(BlockResult r, int u, long line) {
        if (heldOut == null) {
            return false;
        }
        long same = heldOut.recordLine(r.normalizedFp[u]);
        long samePrompt = same >= 0 ? same : heldOut.promptLine(r.promptFp[u]);
        if (samePrompt < 0) {
            return false;
        }
        leaks++;
        problems.add(line, Finding.of(Rule.HELD_OUT_LEAK, "", same >= 0 ? "the record equals line " + same + " of the test set"
                : "the record's prompt equals the prompt of line " + samePrompt + " of the test set"));
        return options.dedup() != DedupPolicy.REPORT;
    }

    /** A problem of the file as a whole (gzip, byte-order mark) or of a line the merger placed itself. */
    void fileProblem(Rule rule, String message) {
        if (rule == Rule.BYTE_ORDER_MARK) {
            rawIssues.add(RawFileIssue.BYTE_ORDER_MARK, 0);
        }
        Finding f = Finding.of(rule, "", message);
        problems.add(0, f);
        if (f.isError()) {
            fileErrors++;
            byTarget.values().forEach(t -> t.add(0, f));
        }
    }

    long records() {
        return records;
    }

    /** The sorted normalized fingerprints of the records this version keeps, for later versions' duplicate check. */
    long[] fingerprints() {
        return normalized.sortedKeys();
    }

    DatasetReport finish(long bytes, boolean gzip) throws IOException {
        heldOutSkipped = splitter.finish();
        if (heldOutSkipped) {
            problems.add(0, Finding.of(Rule.HELD_OUT_SKIPPED, "", heldOutSkippedMessage()));
        }
        if (crlfLines > 0) {
            problems.add(firstCrlfLine, Finding.of(Rule.CRLF_LINE_ENDINGS, "", Quantity.of(crlfLines, "line")
                    + (crlfLines == 1 ? " ends" : " end") + " with CR LF, starting with line " + firstCrlfLine));
        }
        if (records == 0 && fileErrors == 0) {
            fileProblem(Rule.EMPTY, bytes == 0 ? "the file is empty" : "the file has no records, only blank lines");
        } else if (!options.structuralOnly() && kept > 0 && splitCounts.get(Split.TRAIN) == 0) {
            fileProblem(Rule.TRAIN_SPLIT_EMPTY, "none of the " + Quantity.of(kept, "kept record") + " falls into the train share of "
                    + options.splits() + ", and the first ones filled the memory set aside to wait for one");
        }
        List<DatasetReport.TargetVerdict> verdicts = new ArrayList<>();
        for (Target t : Target.values()) {
            verdicts.add(verdict(t));
        }
        boolean accepted = verdicts.get(options.target().ordinal()).accepted() && (testSetReport == null || testSetReport.accepted());
        return new DatasetReport(1, fileFormat == null ? null : fileFormat.id(), gzip, bytes, lineBase, records, valid, records - valid,
                options.target().id(), options.model(), accepted, problems.errors(), problems.warnings(), problems.summary(), verdicts,
                statistics(), duplicates(), splits(), tokens == null ? null : TokenReport.of(tokens, options, droppedOverContext, splitTokens()), cost(), testSetReport);
    }

    private Map<String, TokenReport.SplitTokens> splitTokens() {
        Map<String, TokenReport.SplitTokens> out = new LinkedHashMap<>();
        splitTokens.forEach((split, t) -> out.put(split.id(), new TokenReport.SplitTokens(t[1], t[0])));
        return out;
    }

    /** The run's price from the catalog, on the kept records' tokens: training on train, evaluations on validation. */
    private CostEstimate cost() {
        if (tokens == null || options.catalog() == null || options.model() == null || kept == 0) {
            return null;
        }
        var accuracy = options.tokenCounter().accuracy();
        long[] train = splitTokens.getOrDefault(Split.TRAIN, new long[2]);
        long[] validation = splitTokens.getOrDefault(Split.VALIDATION, new long[2]);
        String basis = options.tokenCounter().description();
        CostRequest.Builder request = CostRequest.builder(options.target().id(), options.model(), datasetTokens(train, accuracy, basis))
                .epochs(options.epochs());
        if (options.evaluations() > 0 && validation[1] > 0) {
            request.validation(datasetTokens(validation, accuracy, basis), options.evaluations());
        }
        try {
            return new CostEstimator(options.catalog()).estimate(request.build());
        } catch (RuntimeException e) {
            return null; // a model the catalog cannot price: the report simply has no cost
        }
    }

    private static DatasetTokens datasetTokens(long[] tokensAndExamples, dev.refinery.datasets.tokens.Accuracy accuracy, String basis) {
        return accuracy.isEstimate()
                ? DatasetTokens.estimated(tokensAndExamples[1], tokensAndExamples[0], accuracy.relativeErrorBound(), basis)
                : DatasetTokens.exact(tokensAndExamples[1], tokensAndExamples[0], basis);
    }

    private DatasetReport.TargetVerdict verdict(Target t) {
        RuleTally tally = byTarget.get(t);
        long acceptedRecords = acceptedByTarget.get(t)[0];
        if (records > 0 && acceptedRecords < t.minRecords()) {
            Finding few = Finding.of(Rule.TOO_FEW_RECORDS, "", t.displayName() + " needs at least " + Quantity.of(t.minRecords(), "record")
                    + "; " + String.format(java.util.Locale.ROOT, "%,d", acceptedRecords) + (acceptedRecords == 1 ? " qualifies" : " qualify"));
            tally.add(0, few);
            if (t == options.target()) {
                problems.add(0, few);
            }
        }
        if (acceptedRecords > t.maxRecords()) {
            Finding many = Finding.of(Rule.TOO_MANY_RECORDS, "", t.displayName() + " accepts at most " + Quantity.of(t.maxRecords(), "record"));
            tally.add(0, many);
            if (t == options.target()) {
                problems.add(0, many);
            }
        }
        if (records == 0 && fileErrors == 0) {
            tally.add(0, Finding.of(Rule.EMPTY, "", "the file has no records"));
        }
        TargetModel model = options.structuralOnly() ? null : options.targetModel(t);
        return new DatasetReport.TargetVerdict(t.id(), t.displayName(), model == null ? null : model.modelId(),
                model == null || model.contextLength() == TokenStats.NO_CONTEXT_LIMIT ? null : model.contextLength(),
                model == null ? null : model.tokens().description(), !tally.hasErrors(), acceptedRecords, t.minRecords(),
                tally.errorReasons(), t.notes(), t.providerCheck() == null ? null : t.providerCheck().name(), providerRefusals(t));
    }

    /** What the target's own check would refuse in the raw file, although the validated output is clean of it. */
    private List<DatasetReport.Reason> providerRefusals(Target t) {
        List<DatasetReport.Reason> out = new ArrayList<>();
        rawIssues.refusedBy(t).forEach((issue, c) -> out.add(new DatasetReport.Reason(issue.rule().code(), c[0], c[1] > 0 ? c[1] : null,
                issue.why())));
        return out;
    }

    private DatasetReport.Statistics statistics() {
        Map<String, Long> formats = new LinkedHashMap<>();
        for (RecordFormat f : RecordFormat.values()) {
            if (stats.formats[f.ordinal()] > 0) {
                formats.put(f.id(), stats.formats[f.ordinal()]);
            }
        }
        Map<String, Long> roles = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            roles.put(role.id(), stats.roles[role.ordinal()]);
        }
        double mean = stats.records == 0 ? 0 : Math.round(stats.turnsSum * 100.0 / stats.records) / 100.0;
        return new DatasetReport.Statistics(formats, stats.records == 0 ? 0 : stats.turnsMin, mean, stats.turnsMax, roles,
                stats.emptyAnswers, stats.nearEmptyAnswers, RecordStats.NEAR_EMPTY_CHARS);
    }

    private DatasetReport.Duplicates duplicates() {
        if (options.structuralOnly()) {
            return null;
        }
        return new DatasetReport.Duplicates(options.dedup().name().toLowerCase(java.util.Locale.ROOT), exactDuplicates, nearDuplicates,
                earlierVersionDuplicates, options.earlierVersions().versions(), leaks, removed, heldOut != null
                ? "Records and prompts were compared with the fixed test set's; splits of the file are assigned by the prompt's fingerprint, so train and validation cannot share a prompt."
                : "Splits are assigned by the prompt's fingerprint, so no training record or prompt can equal a held-out one: 0 leaks by construction.");
    }

    private String heldOutSkippedMessage() {
        SplitPolicy policy = options.splits();
        String all = kept == 1 ? "it is in train" : "all " + kept + " are in train";
        if (kept < splitter.minRecords()) {
            int share = Math.min(policy.validationPercent() == 0 ? 100 : policy.validationPercent(),
                    policy.testPercent() == 0 ? 100 : policy.testPercent());
            return "the file keeps " + Quantity.of(kept, "record") + ", fewer than the " + splitter.minRecords() + " a " + share
                    + "% held-out share needs to expect one; " + all;
        }
        return "none of the " + Quantity.of(kept, "kept record") + " falls into the train share of " + policy + "; " + all;
    }

    private DatasetReport.Splits splits() {
        if (options.structuralOnly()) {
            return null;
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        splitCounts.forEach((s, n) -> counts.put(s.id(), n));
        if (heldOut != null) {
            counts.put(Split.TEST.id(), testSetReport.splits() == null ? 0 : testSetReport.splits().records().get(Split.TRAIN.id()));
        }
        return new DatasetReport.Splits(options.splits().toString(), heldOutSkipped
                ? "every record in train: too few records (or none hashing to train) for a held-out share; see " + Rule.HELD_OUT_SKIPPED.code()
                : "by the normalized prompt's fingerprint (stable as the dataset grows)",
                heldOut != null, counts);
    }
}
