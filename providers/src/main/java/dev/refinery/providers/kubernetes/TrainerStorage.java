package dev.refinery.providers.kubernetes;

import dev.refinery.providers.spec.ContentSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The platform's object storage as the Kubernetes backend needs it. This library has no S3 client of its own:
 * training-service implements this over the bucket it already uses, the same one the trainer pods read and write.
 */
public interface TrainerStorage {

    /** Streams {@code sizeBytes} bytes from {@code content} to {@code key}. */
    void put(String key, ContentSource content, long sizeBytes) throws IOException;

    /** The object at {@code key}, or empty when there is none; the caller closes the stream. */
    Optional<InputStream> open(String key) throws IOException;
}
