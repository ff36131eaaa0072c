package dev.refinery.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, so that tests can write exactly the malformed files they need. */
final class RawFiles {

    private RawFiles() {
    }

    /** Header length (as given), header text, then the data bytes. */
    static Path safetensors(Path file, long declaredHeaderLength, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(declaredHeaderLength).put(h).put(data);
        Files.write(file, buf.array());
        return file;
    }

    /** A well-formed frame around the given header and data. */
    static Path safetensors(Path file, String header, byte[] data) throws IOException {
        return safetensors(file, header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    /** Little-endian 16-bit values. */
    static byte[] shorts(int... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buf.putShort((short) v);
        }
        return buf.array();
    }

    /** Little-endian float32 values. */
    static byte[] floats(float... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return buf.array();
    }
}
