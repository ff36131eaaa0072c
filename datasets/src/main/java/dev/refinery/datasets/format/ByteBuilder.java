package dev.refinery.datasets.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer for a normalized record; reused record after record. */
public final class ByteBuilder {

    private byte[] bytes = new byte[4096];
    private int length;

    public void clear() {
        length = 0;
    }

    public int length() {
        return length;
    }

    public byte[] array() {
        return bytes;
    }

    public ByteBuilder append(byte[] src, int from, int to) {
        int n = to - from;
        ensure(n);
        System.arraycopy(src, from, bytes, length, n);
        length += n;
        return this;
    }

    ByteBuilder append(String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.UTF_8);
        return append(b, 0, b.length);
    }

    ByteBuilder append(char c) {
        ensure(1);
        bytes[length++] = (byte) c;
        return this;
    }

    public void appendAll(ByteBuilder other) {
        append(other.bytes, 0, other.length);
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
