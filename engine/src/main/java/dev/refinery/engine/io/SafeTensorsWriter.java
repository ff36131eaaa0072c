package dev.refinery.engine.io;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes tensors as a safetensors file. Tensors appear in the order of the given map (callers pass
 * {@code LinkedHashMap}s such as {@link dev.refinery.engine.model.ModelWeights#byHfName()}), packed
 * back to back; the header is padded with spaces to a multiple of 8 bytes like the reference writer,
 * so the data buffer starts aligned. The file is written beside its destination and moved into place,
 * so a crash never leaves a half-written checkpoint under the final name.
 */
public final class SafeTensorsWriter {

    private static final int WRITE_BUFFER_BYTES = 1 << 20;

    private SafeTensorsWriter() {
    }

    /** Writes float32 tensors. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        write(file, tensors, metadata, SafeTensorsDtype.F32);
    }

    /** Writes tensors in F32, F16 or BF16; narrower types round to nearest even. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, SafeTensorsDtype dtype) {
        if (dtype != SafeTensorsDtype.F32 && dtype != SafeTensorsDtype.F16 && dtype != SafeTensorsDtype.BF16) {
            throw new EngineException.InvalidArgument("safetensors writer supports F32, F16 and BF16, not " + dtype);
        }
        byte[] header = header(tensors, metadata, dtype);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buffer.putLong(header.length);
                drain(out, buffer);
                writeFully(out, ByteBuffer.wrap(header));
                for (Tensor t : tensors.values()) {
                    writeData(out, buffer, t.data(), dtype);
                }
            }
            moveIntoPlace(partial, file);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new EngineException.OutputError("cannot write safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The JSON header, space-padded to a multiple of 8 bytes. */
    static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata, SafeTensorsDtype dtype) {
        ObjectNode root = JsonFiles.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new EngineException.InvalidArgument("a tensor may not be called " + SafeTensorsHeader.METADATA_KEY);
            }
            Tensor t = e.getValue();
            long bytes = (long) t.size() * dtype.byteSize();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", dtype.name());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JsonFiles.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree of strings and numbers always serialises", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeData(FileChannel out, ByteBuffer buffer, float[] values, SafeTensorsDtype dtype) throws IOException {
        for (float v : values) {
            if (buffer.remaining() < 4) {
                drain(out, buffer);
            }
            switch (dtype) {
                case F32 -> buffer.putFloat(v);
                case F16 -> buffer.putShort(HalfPrecision.floatToHalf(v));
                case BF16 -> buffer.putShort(HalfPrecision.floatToBfloat16(v));
                default -> throw new IllegalStateException("unwritable dtype " + dtype);
            }
        }
        drain(out, buffer);
    }

    private static void drain(FileChannel out, ByteBuffer buffer) throws IOException {
        buffer.flip();
        writeFully(out, buffer);
        buffer.clear();
    }

    private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            out.write(data);
        }
    }

    private static void moveIntoPlace(Path partial, Path file) throws IOException {
        try {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The original failure is the one worth reporting.
        }
    }
}
