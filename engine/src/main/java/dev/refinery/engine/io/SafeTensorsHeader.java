package dev.refinery.engine.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.EngineException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and fully validated header of a safetensors file: after {@link #read} succeeds, every
 * tensor's bytes are known to lie inside the file, not to overlap, and to match shape × dtype.
 */
final class SafeTensorsHeader {

    /** Same cap as the reference implementation: a larger header is corrupt, not a big model. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    final Map<String, TensorEntry> entries;
    final Map<String, String> metadata;
    /** Absolute file position of the data buffer. */
    final long dataStart;

    private SafeTensorsHeader(Map<String, TensorEntry> entries, Map<String, String> metadata, long dataStart) {
        this.entries = Collections.unmodifiableMap(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
        this.dataStart = dataStart;
    }

    static SafeTensorsHeader read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw corrupt(file, "is " + fileSize + " bytes long, too short to hold the 8-byte header length");
        }
        long headerLength = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // Compare as unsigned: a "negative" u64 is simply huge.
        if (Long.compareUnsigned(headerLength, fileSize - 8) > 0) {
            throw corrupt(file, "declares a " + Long.toUnsignedString(headerLength) + "-byte header but the file is only "
                    + fileSize + " bytes long");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw corrupt(file, "declares a " + headerLength + "-byte header, over the " + MAX_HEADER_BYTES + "-byte limit");
        }
        ByteBuffer headerBytes = readFully(channel, 8, (int) headerLength);
        JsonNode root;
        try {
            root = JSON.readTree(headerBytes.array());
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new EngineException.CorruptCheckpoint("safetensors file " + file + " has a header that is not valid JSON: "
                    + reason, e);
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "has a header that is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorEntry> entries = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata.putAll(parseMetadata(file, field.getValue()));
            } else {
                entries.put(field.getKey(), parseEntry(file, field.getKey(), field.getValue()));
            }
        }
        checkLayout(file, entries.values(), fileSize - dataStart);
        return new SafeTensorsHeader(entries, metadata, dataStart);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw corrupt(file, "has a " + METADATA_KEY + " that is not a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw corrupt(file, "has " + METADATA_KEY + " entry '" + e.getKey() + "' that is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static TensorEntry parseEntry(Path file, String name, JsonNode node) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw corrupt(file, where + " is described by " + node.getNodeType() + ", not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw corrupt(file, where + " has no dtype");
        }
        SafeTensorsDtype dtype = SafeTensorsDtype.fromHeader(dtypeNode.textValue()).orElseThrow(() -> corrupt(file,
                where + " has unknown dtype '" + dtypeNode.textValue() + "' (safetensors defines "
                        + Arrays.toString(SafeTensorsDtype.values()) + ")"));
        int[] shape = parseShape(file, where, node.get("shape"));
        long[] offsets = parseOffsets(file, where, node.get("data_offsets"));
        long elements;
        long expectedBytes;
        try {
            elements = 1;
            for (int d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            expectedBytes = Math.multiplyExact(elements, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw corrupt(file, where + " has shape " + Arrays.toString(shape) + " whose size overflows");
        }
        long actualBytes = offsets[1] - offsets[0];
        if (actualBytes != expectedBytes) {
            throw corrupt(file, where + " has data_offsets [" + offsets[0] + ", " + offsets[1] + "] spanning " + actualBytes
                    + " bytes, but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + expectedBytes + " bytes");
        }
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static int[] parseShape(Path file, String where, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw corrupt(file, where + " has no shape array");
        }
        int[] shape = new int[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                throw corrupt(file, where + " has invalid shape " + node);
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    private static long[] parseOffsets(Path file, String where, JsonNode node) {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw corrupt(file, where + " has no data_offsets pair");
        }
        long[] offsets = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = node.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw corrupt(file, where + " has data_offsets out of range: " + node);
            }
            offsets[i] = o.longValue();
        }
        if (offsets[0] > offsets[1]) {
            throw corrupt(file, where + " has data_offsets out of range: begin " + offsets[0] + " is after end " + offsets[1]);
        }
        return offsets;
    }

    /** Every tensor inside the data buffer, and no two sharing a byte. */
    private static void checkLayout(Path file, Iterable<TensorEntry> entries, long dataLength) {
        List<TensorEntry> byBegin = new ArrayList<>();
        entries.forEach(byBegin::add);
        byBegin.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        TensorEntry previous = null;
        for (TensorEntry e : byBegin) {
            if (e.end() > dataLength) {
                throw corrupt(file, "tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", " + e.end()
                        + "] but only " + dataLength + " data bytes follow the header: the file is truncated or the offsets are out of range");
            }
            // Empty tensors occupy no bytes and so cannot overlap anything.
            if (previous != null && e.byteLength() > 0 && e.begin() < previous.end()) {
                throw corrupt(file, "tensors '" + previous.name() + "' [" + previous.begin() + ", " + previous.end() + ") and '"
                        + e.name() + "' [" + e.begin() + ", " + e.end() + ") overlap");
            }
            if (e.byteLength() > 0) {
                previous = e;
            }
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buf.position()));
            }
        }
        return buf.flip();
    }

    static EngineException.CorruptCheckpoint corrupt(Path file, String what) {
        return new EngineException.CorruptCheckpoint("safetensors file " + file + " " + what);
    }
}
