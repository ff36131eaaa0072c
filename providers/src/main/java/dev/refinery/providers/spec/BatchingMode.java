package dev.refinery.providers.spec;

/** How examples form a batch on a backend that lets the user choose (the local engine). */
public enum BatchingMode {
    /** A fixed number of examples per batch. */
    PADDED,
    /** Whole examples packed until a batch holds batchSize x maxSeqLen tokens. */
    PACKED
}
