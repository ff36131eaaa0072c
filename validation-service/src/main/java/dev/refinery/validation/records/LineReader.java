package dev.refinery.validation.records;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a stream line by line as raw bytes (lines end at {@code \n}; a {@code \r} before it stays part of
 * the line, so lines can be copied byte for byte). Memory is bounded: a line longer than
 * {@code maxLineBytes} is not kept, only reported as too long with its length, and reading goes on with
 * the next line.
 *
 * <pre>
 * while (reader.next()) { if (!reader.tooLong()) use(reader.bytes(), 0, reader.length()); }
 * </pre>
 */
public final class LineReader {

    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[CHUNK];
    private int chunkPos;
    private int chunkEnd;
    private boolean eof;

    private byte[] line = new byte[1024];
    private long length;
    private long number;

    public LineReader(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Advances to the next line; false at the end of the stream. A final line without a newline counts. */
    public boolean next() throws IOException {
        length = 0;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkEnd && !fill()) {
                if (any) {
                    number++;
                }
                return any;
            }
            any = true;
            int newline = indexOf(chunk, chunkPos, chunkEnd, (byte) '\n');
            int end = newline < 0 ? chunkEnd : newline;
            append(chunk, chunkPos, end - chunkPos);
            if (newline >= 0) {
                chunkPos = newline + 1;
                number++;
                return true;
            }
            chunkPos = chunkEnd;
        }
    }

    /** 1-based number of the current line. */
    public long number() {
        return number;
    }

    /** The line's length in bytes, without its newline (also when it was too long to keep). */
    public long length() {
        return length;
    }

    /** True when the line was longer than the limit; its bytes were skipped. */
    public boolean tooLong() {
        return length > maxLineBytes;
    }

    /** The current line's bytes are {@code bytes()[0 .. length())}; the array is reused by {@link #next()}. */
    public byte[] bytes() {
        if (tooLong()) {
            throw new IllegalStateException("line " + number + " is longer than " + maxLineBytes + " bytes and was not kept");
        }
        return line;
    }

    private void append(byte[] src, int from, int count) {
        long newLength = length + count;
        if (newLength <= maxLineBytes) {
            if (newLength > line.length) {
                line = Arrays.copyOf(line, (int) Math.min(maxLineBytes, Math.max(newLength, 2L * line.length)));
            }
            System.arraycopy(src, from, line, (int) length, count);
        }
        length = newLength;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(chunk, 0, CHUNK);
        while (n == 0) {
            n = in.read(chunk, 0, CHUNK);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        chunkPos = 0;
        chunkEnd = n;
        return true;
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
