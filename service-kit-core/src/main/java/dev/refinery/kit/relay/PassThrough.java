package dev.refinery.kit.relay;

import jakarta.ws.rs.core.StreamingOutput;

import java.io.IOException;
import java.io.InputStream;

/**
 * Another server's answer passed on to our caller as it comes: each piece written and flushed at once (a stream of
 * server-sent events reaches the caller event by event), and a caller that goes away closes the source, which tells the
 * server upstream to stop.
 */
public final class PassThrough {

    private static final int BUFFER = 8192;

    private PassThrough() {
    }

    public static StreamingOutput of(InputStream source) {
        return out -> {
            try (source) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = source.read(buffer)) >= 0) {
                    try {
                        out.write(buffer, 0, n);
                        out.flush();
                    } catch (IOException callerGone) {
                        return; // closing the source (try-with-resources) tells the server upstream to stop
                    }
                }
            }
        };
    }
}
