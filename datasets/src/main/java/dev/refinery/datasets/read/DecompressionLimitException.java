package dev.refinery.datasets.read;

import java.io.IOException;

/** A gzip stream grew past the configured limits: a gzip bomb, or a file far larger than allowed. */
public final class DecompressionLimitException extends IOException {

    public DecompressionLimitException(String message) {
        super(message);
    }
}
