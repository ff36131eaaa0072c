package dev.refinery.datasets.read;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Cuts a stream into blocks of whole lines for the validator's workers, with bounded memory: buffers
 * come from a fixed pool and go back to it when their block is done ({@link #recycle}); a line longer
 * than the limit is skipped in a streaming way and stands in the sequence as an oversize marker. Also
 * notices a UTF-8 byte-order mark at the start (removed, and reported by the caller), and a file in UTF-16
 * or UTF-32 (not read at all, and reported by the caller).
 */
public final class BlockReader {

    private final InputStream in;
    private final int blockSize;
    private final int maxLineBytes;
    private final BlockingQueue<byte[]> pool;
    private byte[] carry = new byte[0];
    private int carryLength;
    private boolean eof;
    private boolean started;
    private boolean byteOrderMark;
    private String otherEncoding;
    private long sequence;
    private long bytesRead;

    public BlockReader(InputStream in, int blockSize, int maxLineBytes, int pooledBuffers) {
        this.in = in;
        this.blockSize = blockSize;
        this.maxLineBytes = maxLineBytes;
        this.pool = new ArrayBlockingQueue<>(pooledBuffers);
        for (int i = 0; i < pooledBuffers; i++) {
            pool.add(new byte[blockSize]);
        }
    }

    /**
     * The encoding the file is in when its first bytes show UTF-16 or UTF-32 rather than UTF-8 (no
     * block is read then); null otherwise. Known after the first call to {@link #next}.
     */
    public String otherEncoding() {
        return otherEncoding;
    }

    /** Whether the file started with a UTF-8 byte-order mark (known after the first block). */
    public boolean byteOrderMark() {
        return byteOrderMark;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** The next block, or null at the end. Blocks while every pooled buffer is in use. */
    public Block next() throws IOException, InterruptedException {
        if (eof && carryLength == 0) {
            return null;
        }
        byte[] buf = pool.take();
        int filled = 0;
        if (carryLength > 0) {
            if (carryLength > buf.length) {
                recycle(buf);
                buf = new byte[carryLength + blockSize];
            }
            System.arraycopy(carry, 0, buf, 0, carryLength);
            filled = carryLength;
            carryLength = 0;
        }
        while (true) {
            filled = fill(buf, filled);
            if (!started) {
                started = true;
                otherEncoding = TextEncoding.otherThanUtf8(buf, filled);
                if (otherEncoding != null) {
                    eof = true; // every line would fail on the same cause: stop here, the caller names it once
                    carryLength = 0;
                    return recycleAndEnd(buf);
                }
                if (filled >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
                    byteOrderMark = true;
                    System.arraycopy(buf, 3, buf, 0, filled - 3);
                    filled -= 3;
                    filled = fill(buf, filled);
                }
            }
            int lastNewline = lastIndexOf(buf, filled, (byte) '\n');
            if (lastNewline >= 0) {
                keepCarry(buf, lastNewline + 1, filled);
                return new Block(sequence++, buf, lastNewline + 1, eof && carryLength == 0, -1);
            }
            if (eof) {
                return filled == 0 ? recycleAndEnd(buf) : new Block(sequence++, buf, filled, true, -1);
            }
            if (filled > maxLineBytes) {
                long skipped = skipRestOfLine(filled);
                recycle(buf);
                return new Block(sequence++, null, 0, eof && carryLength == 0, skipped);
            }
            // One line fills the buffer but is within the limit: grow a private buffer for it.
            byte[] bigger = Arrays.copyOf(buf, Math.min(Math.max(buf.length * 2, blockSize), maxLineBytes + 2));
            recycle(buf); // the oversized buffer is private to this block and dropped after use
            buf = bigger;
        }
    }

    private Block recycleAndEnd(byte[] buf) {
        recycle(buf);
        return null;
    }

    /** Gives a block's buffer back to the pool (buffers of oversized lines are dropped instead). */
    public void recycle(byte[] buf) {
        if (buf != null && buf.length == blockSize) {
            pool.offer(buf);
        }
    }

    private int fill(byte[] buf, int filled) throws IOException {
        while (filled < buf.length && !eof) {
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                eof = true;
            } else {
                filled += n;
                bytesRead += n;
            }
        }
        return filled;
    }

    private void keepCarry(byte[] buf, int from, int to) {
        int n = to - from;
        if (carry.length < n) {
            carry = new byte[Math.max(n, blockSize)];
        }
        System.arraycopy(buf, from, carry, 0, n);
        carryLength = n;
    }

    /** Reads and drops bytes up to and including the next newline; returns the line's length. */
    private long skipRestOfLine(long already) throws IOException {
        long length = already;
        byte[] scratch = new byte[1 << 16];
        while (true) {
            int n = in.read(scratch);
            if (n < 0) {
                eof = true;
                return length;
            }
            bytesRead += n;
            int nl = indexOf(scratch, n, (byte) '\n');
            if (nl >= 0) {
                length += nl;
                keepCarry(scratch, nl + 1, n);
                return length;
            }
            length += n;
        }
    }

    private static int lastIndexOf(byte[] buf, int length, byte b) {
        for (int i = length - 1; i >= 0; i--) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] buf, int length, byte b) {
        for (int i = 0; i < length; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
