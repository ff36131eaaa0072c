package dev.refinery.inference.server;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A server's answer as it passes to the caller, kept on the side (up to a limit) and handed over once it has arrived whole,
 * so that serving can capture what a server answered as it captures what the engine answered. An answer the caller left
 * before its end, or one longer than the limit, is handed to nobody.
 */
public final class WatchedAnswer extends FilterInputStream {

    /** What arrived, and when. */
    public record Arrived(byte[] body, Duration timeToFirstByte, Duration duration) {
    }

    private static final int KEPT_AT_MOST = 4 * 1024 * 1024;

    private final long startedAt;
    private final Consumer<Arrived> whole;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long firstByteAt = -1;
    private boolean overflowed;
    private boolean handed;

    WatchedAnswer(InputStream answer, long startedAt, Consumer<Arrived> whole) {
        super(answer);
        this.startedAt = startedAt;
        this.whole = whole;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            arrived();
        } else if (n > 0) {
            if (firstByteAt < 0) {
                firstByteAt = System.nanoTime();
            }
            if (!overflowed && kept.size() + n <= KEPT_AT_MOST) {
                kept.write(b, off, n);
            } else {
                overflowed = true;
                kept.reset();
            }
        }
        return n;
    }

    private void arrived() {
        if (handed || overflowed) {
            return;
        }
        handed = true;
        long now = System.nanoTime();
        whole.accept(new Arrived(kept.toByteArray(), Duration.ofNanos((firstByteAt < 0 ? now : firstByteAt) - startedAt),
                Duration.ofNanos(now - startedAt)));
    }
}
