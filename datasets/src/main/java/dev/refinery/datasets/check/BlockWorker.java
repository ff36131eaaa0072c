package dev.refinery.datasets.check;

import dev.refinery.datasets.format.CheckedRecord;
import dev.refinery.datasets.format.RecordFeatures;
import dev.refinery.datasets.format.RecordChecker;
import dev.refinery.datasets.json.JsonLineParser;
import dev.refinery.datasets.json.JsonProblem;
import dev.refinery.datasets.json.JsonTape;
import dev.refinery.datasets.read.Block;
import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.rules.Rule;
import dev.refinery.datasets.rules.Severity;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.datasets.tokens.RecordTokens;
import dev.refinery.datasets.model.TextMessage;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.targets.TargetRules;

import java.util.List;

/**
 * Checks the lines of one block: JSON, the shared record rules, every target's rules, fingerprints,
 * tokens and the normalized form. Everything that depends on other records (duplicates, splits, totals)
 * is left to the merger, which sees blocks in file order. One worker per thread.
 */
final class BlockWorker {

    private final CheckOptions options;
    private final JsonLineParser parser;
    private final RecordChecker checker;
    private final boolean countsTokens;

    BlockWorker(CheckOptions options) {
        this.options = options;
        this.parser = new JsonLineParser(options.maxDepth());
        this.checker = new RecordChecker(options.structuralOnly() ? RecordChecker.Options.STRUCTURAL
                : new RecordChecker.Options(true, options.countsTokens(), true, options.target().acceptsParallelToolCalls()), options.maxDepth());
        this.countsTokens = options.countsTokens();
    }

    BlockResult check(Block block) {
        BlockResult result = new BlockResult(block);
        if (block.isOversizeMarker()) {
            result.lines = 1;
            result.records = 1;
            result.findings.add(new LineFinding(0, null, Finding.of(Rule.LINE_TOO_LONG, "", "the line has "
                    + block.oversizeLineBytes() + " bytes, more than the limit of " + options.maxLineBytes())));
            return result;
        }
        byte[] data = block.data();
        int end = block.length();
        int from = 0;
        int line = 0;
        while (from < end) {
            int nl = indexOfNewline(data, from, end);
            boolean hasNewline = nl < end;
            int to = nl;
            // CR LF only where an LF follows: a CR at the very end of a file without LF is whitespace, not a line ending.
            if (hasNewline && to > from && data[to - 1] == '\r') {
                to--;
                result.crlfLines++;
                if (result.firstCrlfLine < 0) {
                    result.firstCrlfLine = line;
                }
            }
            checkLine(result, data, from, to, line, block.lastOfFile() && !hasNewline);
            line++;
            from = hasNewline ? nl + 1 : end;
        }
        result.lines = line;
        return result;
    }

    private void checkLine(BlockResult result, byte[] data, int from, int to, int line, boolean lastWithoutNewline) {
        if (isBlank(data, from, to)) {
            result.findings.add(new LineFinding(line, null, Finding.of(Rule.BLANK_LINE, "", "the line is blank")));
            return;
        }
        result.records++;
        if (to - from > options.maxLineBytes()) {
            result.findings.add(new LineFinding(line, null, Finding.of(Rule.LINE_TOO_LONG, "", "the line has " + (to - from)
                    + " bytes, more than the limit of " + options.maxLineBytes())));
            return;
        }
        JsonTape tape = parser.parse(data, from, to);
        if (tape == null) {
            result.findings.add(new LineFinding(line, null, jsonFinding(parser.problem(), lastWithoutNewline)));
            return;
        }
        if (tape.kind(0) != JsonTape.OBJECT) {
            result.findings.add(new LineFinding(line, null, Finding.of(Rule.LINE_NOT_OBJECT, "", "the line is " + tape.describe(0)
                    + " (" + tape.excerpt(0, 40) + "), not a JSON object")));
            return;
        }
        List<JsonProblem> readable = parser.readableProblems();
        for (JsonProblem p : readable) {
            result.findings.add(new LineFinding(line, null, jsonFinding(p, false)));
        }
        CheckedRecord record = checker.check(tape);
        for (Finding f : record.findings()) {
            result.findings.add(new LineFinding(line, null, f));
        }
        if (record.hasErrors() || !readable.isEmpty()) {
            return;
        }
        RecordFeatures features = record.features();
        int r = result.addUsable(line, features.format());
        for (Target target : Target.ALL) {
            for (Finding f : TargetRules.check(target, features)) {
                if (f.isError()) {
                    result.rejectedBy[r] |= 1 << target.ordinal();
                }
                result.findings.add(new LineFinding(line, target, f));
            }
        }
        result.rawIssues[r] = RawIssues.of(features);
        result.stats.add(record.features().format(), record.features().turns(), record.features().roleCounts(),
                record.shortestAnswerChars());
        if (options.structuralOnly()) {
            return;
        }
        result.exactFp[r] = record.exactFingerprint();
        result.normalizedFp[r] = record.normalizedFingerprint();
        result.promptFp[r] = record.promptFingerprint() != 0 ? record.promptFingerprint() : record.normalizedFingerprint();
        placeNormalized(result, r, record, data, from, to);
        if (countsTokens) {
            countTokens(result, r, record.turns(), line);
        }
    }

    /**
     * Counts the record with the checked target's model (its tokens go into the statistics and the cost),
     * and checks it against every target's own model's context: another target's tokenizer counts it only
     * when the cheap bound does not already clear it.
     */
    private void countTokens(BlockResult result, int r, List<TextMessage> turns, int line) {
        Target checked = options.target();
        TargetModel own = options.targetModel(checked);
        RecordTokens counted = null;
        if (own != null) {
            counted = own.tokens().count(turns);
            result.tokens[r] = counted.total();
            result.trainedTokens[r] = counted.trained();
            if (counted.total() > own.contextLength()) {
                result.overContext[r] = true;
                result.findings.add(new LineFinding(line, checked, overContext(counted.total(), own)));
            }
        }
        for (Target t : Target.ALL) {
            TargetModel model = t == checked ? null : options.targetModel(t);
            if (model == null || model.tokens().upperBound(turns) <= model.contextLength()) {
                continue;
            }
            int total = counted != null && model.tokens() == own.tokens() ? counted.total() : model.tokens().count(turns).total();
            if (total > model.contextLength()) {
                result.findings.add(new LineFinding(line, t, overContext(total, model)));
            }
        }
    }

    private Finding overContext(int total, TargetModel model) {
        OverContextPolicy policy = options.overContext();
        int context = model.contextLength();
        String what = "the record has " + total + " tokens, " + (total - context) + " more than the context of " + context
                + (model.modelId() == null ? "" : " of " + model.modelId()) + "; ";
        return policy == null || policy == OverContextPolicy.FAIL
                ? Finding.of(Rule.OVER_CONTEXT, "", what + (policy == null ? "choose drop, truncate or fail explicitly" : "the fail policy refuses it"))
                : new Finding(Rule.OVER_CONTEXT, Severity.WARNING, "", what + (policy == OverContextPolicy.DROP
                ? "dropped (drop policy)" : "kept and cut to the context by the trainer (truncate policy)"));
    }

    /** Points at the line itself when normalizing changed nothing (the usual case), else keeps the rewritten bytes. */
    private static void placeNormalized(BlockResult result, int r, CheckedRecord record, byte[] data, int from, int to) {
        var normalized = record.normalized();
        int length = normalized.length();
        if (length == to - from - leading(data, from, to) - trailing(data, from, to)
                && java.util.Arrays.equals(normalized.array(), 0, length, data, from + leading(data, from, to), from + leading(data, from, to) + length)) {
            result.outOffset[r] = from + leading(data, from, to);
            result.outLength[r] = length;
        } else {
            int at = result.rewritten.length();
            result.rewritten.appendAll(normalized);
            result.outOffset[r] = -1 - at;
            result.outLength[r] = length;
        }
    }

    private static int leading(byte[] data, int from, int to) {
        int i = from;
        while (i < to && (data[i] == ' ' || data[i] == '\t')) {
            i++;
        }
        return i - from;
    }

    private static int trailing(byte[] data, int from, int to) {
        int i = to;
        while (i > from && (data[i - 1] == ' ' || data[i - 1] == '\t')) {
            i--;
        }
        return to - i;
    }

    private static Finding jsonFinding(JsonProblem p, boolean lastWithoutNewline) {
        String where = p.path().isEmpty() ? "" : p.path();
        String message = p.message() + " (byte " + (p.byteOffset() + 1) + " of the line)";
        return switch (p.kind()) {
            case NOT_UTF8 -> Finding.of(Rule.LINE_NOT_UTF8, where, message);
            case DUPLICATE_KEY -> Finding.of(Rule.DUPLICATE_KEY, where, message);
            case LONE_SURROGATE -> Finding.of(Rule.LONE_SURROGATE, where, message);
            case TOO_DEEP -> Finding.of(Rule.TOO_DEEP, where, message);
            case UNEXPECTED_END -> lastWithoutNewline
                    ? Finding.of(Rule.LINE_TRUNCATED, where, "the file ends in the middle of this record: " + message)
                    : Finding.of(Rule.LINE_NOT_JSON, where, message);
            default -> Finding.of(Rule.LINE_NOT_JSON, where, message);
        };
    }

    private static boolean isBlank(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0B) {
                return false;
            }
        }
        return true;
    }

    /** The next '\n' at or after {@code from}, or {@code end}. */
    private static int indexOfNewline(byte[] data, int from, int end) {
        return dev.refinery.datasets.json.Swar.indexOfNewline(data, from, end);
    }
}
