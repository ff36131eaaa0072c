package dev.refinery.datasets.check;

import dev.refinery.datasets.format.RecordFeatures;
import dev.refinery.datasets.targets.RawFileIssue;
import dev.refinery.datasets.targets.Target;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts what a provider's own check would refuse in the raw file although the validated output is clean of
 * it: per issue how many and the first line, and for each target whose check refuses it, a reason in its
 * verdict. A record's issues travel from the worker as bits of one byte ({@link #of}).
 */
final class RawIssues {

    private final Map<RawFileIssue, long[]> found = new EnumMap<>(RawFileIssue.class);
    /** parallel_tool_calls is an extra key only to targets whose format lacks it: records with either, counted apart. */
    private final long[] extraKeyOrParallelToolCalls = new long[2];

    static final int PARALLEL_TOOL_CALLS = 1 << RawFileIssue.values().length;

    /** The record's issues as bits: 1 << ordinal, and {@link #PARALLEL_TOOL_CALLS}. */
    static byte of(RecordFeatures features) {
        int bits = 0;
        if (features.carriageReturn()) {
            bits |= 1 << RawFileIssue.CARRIAGE_RETURN.ordinal();
        }
        if (features.unknownTopLevelKeys()) {
            bits |= 1 << RawFileIssue.EXTRA_TOP_LEVEL_KEY.ordinal();
        }
        if (features.chosenRejectedSpelling()) {
            bits |= 1 << RawFileIssue.CHOSEN_REJECTED_SPELLING.ordinal();
        }
        if (features.parallelToolCalls()) {
            bits |= PARALLEL_TOOL_CALLS;
        }
        return (byte) bits;
    }

    void add(RawFileIssue issue, long line) {
        count(found.computeIfAbsent(issue, i -> new long[2]), line);
    }

    void addRecord(byte bits, long line) {
        for (RawFileIssue issue : RawFileIssue.values()) {
            if ((bits & (1 << issue.ordinal())) != 0) {
                add(issue, line);
            }
        }
        if ((bits & (PARALLEL_TOOL_CALLS | 1 << RawFileIssue.EXTRA_TOP_LEVEL_KEY.ordinal())) != 0) {
            count(extraKeyOrParallelToolCalls, line);
        }
    }

    private static void count(long[] countAndFirstLine, long line) {
        if (countAndFirstLine[0]++ == 0) {
            countAndFirstLine[1] = line;
        }
    }

    /** The issues the target's own check refuses in this file, with how many and the first line (0: the file). */
    Map<RawFileIssue, long[]> refusedBy(Target target) {
        Map<RawFileIssue, long[]> refused = new EnumMap<>(RawFileIssue.class);
        if (target.providerCheck() == null) {
            return refused;
        }
        for (RawFileIssue issue : target.providerCheck().refuses()) {
            long[] c = issue == RawFileIssue.EXTRA_TOP_LEVEL_KEY && !target.acceptsParallelToolCalls()
                    ? extraKeyOrParallelToolCalls : found.get(issue);
            if (c != null && c[0] > 0) {
                refused.put(issue, c);
            }
        }
        return refused;
    }
}
