package dev.refinery.datasets.split;

import dev.refinery.datasets.dedup.LongHashSet;

/**
 * A fixed test set's fingerprints: its records (normalized) and their prompts, each with its line in the
 * test file. The leakage check asks, for every training and validation record, whether the record or its
 * prompt is one of these. Filled by the check of the test file itself.
 */
public final class HeldOutSet {

    private final LongHashSet records = new LongHashSet(1 << 10);
    private final LongHashSet prompts = new LongHashSet(1 << 10);
    private long size;

    public void add(long normalizedFingerprint, long promptFingerprint, long line) {
        records.putIfAbsent(normalizedFingerprint, line);
        prompts.putIfAbsent(promptFingerprint, line);
        size++;
    }

    /** The test file's line holding this record, or -1. */
    public long recordLine(long normalizedFingerprint) {
        return records.get(normalizedFingerprint);
    }

    /** The test file's line whose prompt this is, or -1. */
    public long promptLine(long promptFingerprint) {
        return prompts.get(promptFingerprint);
    }

    public long size() {
        return size;
    }
}
