package dev.refinery.engine.io;

import dev.refinery.engine.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsRoundTripTest {

    @TempDir
    Path dir;

    private static Map<String, Tensor> sample(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b.matrix", random("b.matrix", rnd, 5, 7));
        tensors.put("a.vector", random("a.vector", rnd, 11));
        tensors.put("c.scalar", new Tensor("c.scalar", new int[0], new float[] {3.5f}));
        tensors.put("d.empty", new Tensor("d.empty", new int[] {0, 4}, new float[0]));
        return tensors;
    }

    private static Tensor random(String name, SplittableRandom rnd, int... shape) {
        float[] d = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        return new Tensor(name, shape, d);
    }

    @Test
    void float32RoundTripIsExactAndKeepsOrderShapesAndMetadata() {
        Map<String, Tensor> tensors = sample(1);
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));
        try (TensorStore st = SafeTensors.open(file)) {
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(st.names()), "tensors keep the writer's order");
            assertEquals(Map.of("format", "pt"), st.metadata());
            for (Tensor t : tensors.values()) {
                Tensor back = st.read(t.name());
                assertArrayEquals(t.shape(), back.shape(), t.name());
                assertArrayEquals(t.data(), back.data(), t.name());
                assertEquals(SafeTensorsDtype.F32, st.entry(t.name()).dtype());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = SafeTensorsDtype.class, names = {"F16", "BF16"})
    void halfPrecisionRoundTripMatchesPerElementRounding(SafeTensorsDtype dtype) {
        Map<String, Tensor> tensors = sample(2);
        Path file = dir.resolve("h.safetensors");
        SafeTensors.write(file, tensors, Map.of(), dtype);
        try (TensorStore st = SafeTensors.open(file)) {
            for (Tensor t : tensors.values()) {
                Tensor back = st.read(t.name());
                assertEquals(dtype, st.entry(t.name()).dtype());
                for (int i = 0; i < t.size(); i++) {
                    float expected = dtype == SafeTensorsDtype.F16
                            ? HalfPrecision.halfToFloat(HalfPrecision.floatToHalf(t.data()[i]))
                            : HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(t.data()[i]));
                    assertEquals(expected, back.data()[i], t.name() + "[" + i + "]");
                    // And the rounding is close: relative error below the format's half-ulp.
                    double tolerance = dtype == SafeTensorsDtype.F16 ? 0x1p-11 : 0x1p-8;
                    assertEquals(t.data()[i], back.data()[i], Math.abs(t.data()[i]) * tolerance + 1e-7);
                }
            }
        }
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOfEightAndDataIsPacked() throws IOException {
        Path file = dir.resolve("p.safetensors");
        Map<String, Tensor> tensors = Map.of("w", new Tensor("w", new int[] {3}, new float[] {1, 2, 3}));
        SafeTensors.write(file, tensors, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), header);
        assertTrue(header.contains("\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}"), header);
        assertEquals(header.strip(), header.substring(0, header.lastIndexOf('}') + 1), "only trailing spaces pad the header");
        assertEquals(8 + headerLength + 12, bytes.length);
        assertEquals(1f, ByteBuffer.wrap(bytes, (int) (8 + headerLength), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    @Test
    void readsHandWrittenHalfAndBfloat16BitPatterns() throws IOException {
        byte[] f16 = RawFiles.shorts(0x3C00, 0x7BFF, 0x0001, 0x7C00, 0xFC00, 0x7E00, 0x8000);
        byte[] bf16 = RawFiles.shorts(0x3F80, 0xC000);
        byte[] data = new byte[f16.length + bf16.length];
        System.arraycopy(f16, 0, data, 0, f16.length);
        System.arraycopy(bf16, 0, data, f16.length, bf16.length);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[7],\"data_offsets\":[0,14]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[14,18]}}";
        Path file = RawFiles.safetensors(dir.resolve("bits.safetensors"), header, data);
        try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
            float[] h = st.read("h").data();
            assertEquals(1.0f, h[0]);
            assertEquals(65504f, h[1]);
            assertEquals(5.9604645e-8f, h[2]);
            assertEquals(Float.POSITIVE_INFINITY, h[3]);
            assertEquals(Float.NEGATIVE_INFINITY, h[4]);
            assertTrue(Float.isNaN(h[5]));
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(h[6]));
            assertArrayEquals(new float[] {1.0f, -2.0f}, st.read("b").data());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SafeTensorsDtype.class, names = {"F32", "F16", "BF16"})
    void readsTensorsLargerThanOneMapping(SafeTensorsDtype dtype) {
        // A 24-byte mapping forces several chunks per tensor, including a short last one.
        Tensor t = random("big", new SplittableRandom(3), 13, 9);
        Path file = dir.resolve("chunks.safetensors");
        SafeTensors.write(file, Map.of("big", t), Map.of(), dtype);
        float[] whole;
        try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
            whole = st.read("big").data();
        }
        try (SafeTensorsFile st = SafeTensorsFile.open(file, 24)) {
            assertArrayEquals(whole, st.read("big").data());
        }
    }

    @Test
    void readsShardedCheckpointsThroughTheIndex() throws IOException {
        Map<String, Tensor> tensors = sample(4);
        Map<String, Tensor> first = new LinkedHashMap<>();
        Map<String, Tensor> second = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            (i++ % 2 == 0 ? first : second).put(e.getKey(), e.getValue());
        }
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), first, Map.of("format", "pt"));
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), second, Map.of("format", "pt"));
        StringBuilder map = new StringBuilder();
        first.keySet().forEach(n -> map.append(map.length() == 0 ? "" : ",").append('"').append(n).append("\":\"model-00001-of-00002.safetensors\""));
        second.keySet().forEach(n -> map.append(",\"").append(n).append("\":\"model-00002-of-00002.safetensors\""));
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), "{\"metadata\":{\"total_size\":1234},\"weight_map\":{" + map + "}}");

        try (TensorStore st = SafeTensors.open(dir)) {
            assertTrue(st instanceof ShardedSafeTensors, "a directory with an index opens as sharded");
            assertEquals(tensors.keySet(), st.names());
            assertEquals("1234", st.metadata().get("total_size"));
            for (Tensor t : tensors.values()) {
                assertArrayEquals(t.data(), st.read(t.name()).data(), t.name());
            }
            assertEquals(dir.resolve("model-00002-of-00002.safetensors").toAbsolutePath(),
                    st.fileOf(second.keySet().iterator().next()).toAbsolutePath());
        }
    }
}
