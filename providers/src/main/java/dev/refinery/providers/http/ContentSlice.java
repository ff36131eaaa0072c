package dev.refinery.providers.http;

import dev.refinery.providers.spec.ContentSource;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;

/**
 * One part of a multipart upload, read from the source on demand (skip to the offset, stop at the length) so
 * parts of a 50 GB file never sit in memory, and a retried part re-reads exactly its own bytes.
 */
public record ContentSlice(ContentSource source, long offset, long length) {

    public BodyPublisher publisher() {
        return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> MultipartBody.open(this::open)), length);
    }

    public InputStream open() throws IOException {
        InputStream in = source.open();
        long toSkip = offset;
        while (toSkip > 0) {
            long skipped = in.skip(toSkip);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    in.close();
                    throw new IOException("source ended before offset " + offset);
                }
                skipped = 1;
            }
            toSkip -= skipped;
        }
        return new Limited(in, length);
    }

    private static final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long left) {
            super(in);
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
