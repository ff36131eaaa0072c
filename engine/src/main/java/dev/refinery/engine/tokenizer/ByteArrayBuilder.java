package dev.refinery.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Collects decoded token bytes; turning them into text at the end lets multi-byte characters span tokens. */
final class ByteArrayBuilder {

    private byte[] bytes;
    private int size;

    ByteArrayBuilder(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    void append(byte[] src, int from, int length) {
        ensure(length);
        System.arraycopy(src, from, bytes, size, length);
        size += length;
    }

    void append(byte b) {
        ensure(1);
        bytes[size++] = b;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** Invalid sequences become U+FFFD, as in every lossy UTF-8 decoder. */
    String toUtf8String() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    private void ensure(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }
    }
}
