package dev.refinery.datasets.read;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * An input stream that counts the bytes read through it and tells {@code onCount} the total after every read (a progress
 * bar, a decompression guard).
 */
public final class CountingInputStream extends FilterInputStream {

    private final LongConsumer onCount;
    private long count;

    public CountingInputStream(InputStream in, LongConsumer onCount) {
        super(in);
        this.onCount = onCount;
    }

    /** Counting only. */
    public CountingInputStream(InputStream in) {
        this(in, n -> { });
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            onCount.accept(++count);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            onCount.accept(count);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count += skipped;
        onCount.accept(count);
        return skipped;
    }

    /** Bytes read or skipped so far. */
    public long count() {
        return count;
    }
}
