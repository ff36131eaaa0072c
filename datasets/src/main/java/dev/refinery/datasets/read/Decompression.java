package dev.refinery.datasets.read;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Opens a dataset stream, transparently gunzipping it when it starts with the gzip magic bytes, behind
 * a guard with two limits, because neither is enough alone: the expanded bytes may not exceed
 * {@code maxBytes} (an absolute cap: a file that expands a "plausible" 190 times still cannot grow past
 * it), nor {@code maxRatio} times the compressed bytes read so far (once past a first megabyte, where
 * tiny files legitimately have high ratios: this stops a bomb after at most a few blocks of output,
 * however high the cap). Neither ever lets a bomb fill memory or disk.
 */
public final class Decompression {

    /** What was opened: the stream to read, and whether it was gzip. */
    public record Opened(InputStream stream, boolean gzip) {
    }

    private static final int GRACE_BYTES = 1 << 20;

    private Decompression() {
    }

    public static Opened open(InputStream raw, long maxBytes, int maxRatio) throws IOException {
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 != 0x1F || b1 != 0x8B) {
            return new Opened(in, false);
        }
        CountingInputStream compressed = new CountingInputStream(in);
        return new Opened(new Guard(new GZIPInputStream(compressed, 1 << 16), compressed, maxBytes, maxRatio), true);
    }

    private static final class Guard extends FilterInputStream {
        private final CountingInputStream compressed;
        private final long maxBytes;
        private final int maxRatio;
        private long expanded;

        Guard(InputStream in, CountingInputStream compressed, long maxBytes, int maxRatio) {
            super(in);
            this.compressed = compressed;
            this.maxBytes = maxBytes;
            this.maxRatio = maxRatio;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                expanded += n;
                check();
            }
            return n;
        }

        private void check() throws DecompressionLimitException {
            long read = compressed.count();
            if (expanded > maxBytes) {
                throw new DecompressionLimitException(DecompressionLimitException.Limit.EXPANDED_SIZE, expanded, read,
                        "the gzip file expands to more than " + ByteSize.of(maxBytes) + ", the limit on a dataset's uncompressed size: "
                                + "stopped at expanded byte " + expanded + ", after " + read + " compressed bytes");
            }
            if (expanded > GRACE_BYTES && expanded > (long) maxRatio * Math.max(1, read)) {
                throw new DecompressionLimitException(DecompressionLimitException.Limit.RATIO, expanded, read,
                        "the gzip file expanded " + expanded / Math.max(1, read) + " times (" + expanded + " bytes from " + read
                                + "), more than the limit of " + maxRatio + " times: a gzip bomb or a pathological file");
            }
        }
    }
}
