package dev.refinery.gateway.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The caller's request body on its way to a service. Remembers whether reading it failed, so that a
 * broken transfer can be blamed on the right side: a client that went away is not an upstream fault.
 */
final class ClientBodyStream extends FilterInputStream {

    private volatile IOException failure;
    private long bytes;

    ClientBodyStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            if (b >= 0) {
                bytes++;
            }
            return b;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        try {
            int n = super.read(buf, off, len);
            if (n > 0) {
                bytes += n;
            }
            return n;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    IOException failure() {
        return failure;
    }

    long bytes() {
        return bytes;
    }
}
