package dev.refinery.gateway.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A service's answer: status, the few headers the gateway passes on, and the body as a stream that
 * the caller forwards (or reads, for small JSON it enriches) and closes.
 */
public record UpstreamResponse(Upstream upstream, int status, Optional<String> contentType, Optional<String> location,
                               Optional<String> retryAfter, InputStream body) implements AutoCloseable {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The whole body; only for the small JSON documents the gateway combines. */
    public byte[] readBody() {
        try (InputStream in = body) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
