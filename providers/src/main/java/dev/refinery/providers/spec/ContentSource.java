package dev.refinery.providers.spec;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the bytes of a dataset file. It may be called more than once (a retried upload reads the file
 * again), so each call returns a fresh stream from the first byte; the caller closes it.
 */
@FunctionalInterface
public interface ContentSource {
    InputStream open() throws IOException;
}
