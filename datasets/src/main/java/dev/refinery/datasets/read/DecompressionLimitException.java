package dev.refinery.datasets.read;

import java.io.IOException;

/**
 * A gzip stream grew past one of its limits: a gzip bomb, or a file far larger than allowed. Says which limit, and where
 * the expansion was stopped (bytes expanded, and compressed bytes read to get them), so the report can say both.
 */
public final class DecompressionLimitException extends IOException {

    /** The two guards: an absolute size, and the size relative to the compressed bytes. */
    public enum Limit {
        EXPANDED_SIZE, RATIO
    }

    private final Limit limit;
    private final long expandedBytes;
    private final long compressedBytes;

    public DecompressionLimitException(Limit limit, long expandedBytes, long compressedBytes, String message) {
        super(message);
        this.limit = limit;
        this.expandedBytes = expandedBytes;
        this.compressedBytes = compressedBytes;
    }

    public Limit limit() {
        return limit;
    }

    /** Bytes of expanded data read when the guard stopped the stream. */
    public long expandedBytes() {
        return expandedBytes;
    }

    /** Compressed bytes read to produce them. */
    public long compressedBytes() {
        return compressedBytes;
    }
}
