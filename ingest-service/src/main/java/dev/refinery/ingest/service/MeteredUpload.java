package dev.refinery.ingest.service;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes an upload through while counting bytes and lines and computing its sha256, so the file is
 * read exactly once, never held whole in memory. Fails the stream as soon as it exceeds the size limit.
 */
final class MeteredUpload extends FilterInputStream {

    private final long limit;
    private final MessageDigest sha256;
    private long bytes;
    private long newlines;
    private int lastByte = -1;

    MeteredUpload(InputStream in, long limit) {
        super(in);
        this.limit = limit;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            account(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            account(buf, off, n);
        }
        return n;
    }

    private void account(byte[] buf, int off, int n) throws UploadTooLargeException {
        bytes += n;
        if (bytes > limit) {
            throw new UploadTooLargeException(limit);
        }
        sha256.update(buf, off, n);
        for (int i = off; i < off + n; i++) {
            if (buf[i] == '\n') {
                newlines++;
            }
        }
        lastByte = buf[off + n - 1];
    }

    long bytes() {
        return bytes;
    }

    /** Lines, counting a last line without a trailing newline. */
    long lines() {
        return newlines + (bytes > 0 && lastByte != '\n' ? 1 : 0);
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** The upload went past the configured limit. */
    static final class UploadTooLargeException extends IOException {
        final long limit;

        UploadTooLargeException(long limit) {
            super("upload exceeds the limit of " + limit + " bytes");
            this.limit = limit;
        }
    }
}
