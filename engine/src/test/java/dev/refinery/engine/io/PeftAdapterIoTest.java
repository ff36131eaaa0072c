package dev.refinery.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeftAdapterIoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHA = "a".repeat(64);

    @TempDir
    Path dir;

    private static final ModelConfig INTERLEAVED = ModelConfig.llama2c(16, 24, 2, 4, 2, 29, 64);
    private static final ModelConfig HALF = new ModelConfig("LlamaForCausalLM", 16, 24, 2, 4, 2, 4, 29, 64, 1e-5f, 10000f,
            RopeStyle.HALF, true, false);

    private static void assertSameAdapter(LoraAdapter expected, LoraAdapter actual) {
        assertEquals(expected.config(), actual.config());
        Map<String, Tensor> e = expected.byPeftName();
        Map<String, Tensor> a = actual.byPeftName();
        assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()));
        e.forEach((name, t) -> assertArrayEquals(t.data(), a.get(name).data(), name));
    }

    @Test
    void roundTripKeepsConfigAndTensors() {
        LoraAdapter adapter = Adapters.trained(HALF, 4, 16f, LoraConfig.allLinear(), 1);
        PeftAdapterIo.write(adapter, dir, "my/base", SHA);
        assertSameAdapter(adapter, PeftAdapterIo.read(dir, HALF, SHA));
    }

    @Test
    void tensorNamesAreExactlyPefts() {
        LoraAdapter adapter = Adapters.trained(HALF, 2, 4f, EnumSet.of(Projection.Q, Projection.V), 2);
        PeftAdapterIo.write(adapter, dir, null, null);
        try (SafeTensorsFile st = SafeTensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            List<String> expected = new ArrayList<>();
            for (int layer = 0; layer < 2; layer++) {
                for (String module : List.of("q_proj", "v_proj")) {
                    for (String ab : List.of("lora_A", "lora_B")) {
                        expected.add("base_model.model.model.layers." + layer + ".self_attn." + module + "." + ab + ".weight");
                    }
                }
            }
            assertEquals(expected, List.copyOf(st.names()));
            assertArrayEquals(new int[] {2, 16}, st.entry("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
            assertArrayEquals(new int[] {8, 2}, st.entry("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").shape());
            assertEquals("pt", st.metadata().get("format"));
        }
    }

    @Test
    void adapterConfigHasThePeftKeysAndNoOthers() throws IOException {
        LoraAdapter adapter = Adapters.trained(HALF, 8, 16f, EnumSet.of(Projection.K, Projection.Q, Projection.DOWN), 3);
        PeftAdapterIo.write(adapter, dir, "meta-llama/Llama-3.2-1B", SHA);
        JsonNode c = JSON.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", c.get("peft_type").asText());
        assertEquals("CAUSAL_LM", c.get("task_type").asText());
        assertEquals(8, c.get("r").asInt());
        assertTrue(c.get("lora_alpha").isIntegralNumber(), "PEFT writes lora_alpha as an int");
        assertEquals(16, c.get("lora_alpha").asInt());
        assertEquals(0.05, c.get("lora_dropout").asDouble(), 1e-12);
        assertEquals(List.of("q_proj", "k_proj", "down_proj"), JSON.convertValue(c.get("target_modules"), List.class));
        assertEquals("none", c.get("bias").asText());
        assertFalse(c.get("fan_in_fan_out").asBoolean());
        assertTrue(c.get("inference_mode").asBoolean());
        assertTrue(c.get("init_lora_weights").asBoolean());
        assertFalse(c.get("use_rslora").asBoolean());
        assertFalse(c.get("use_dora").asBoolean());
        assertEquals("meta-llama/Llama-3.2-1B", c.get("base_model_name_or_path").asText());
        for (String nullKey : List.of("modules_to_save", "revision", "layers_to_transform")) {
            assertTrue(c.get(nullKey).isNull(), nullKey);
        }
        List<String> keys = new ArrayList<>();
        c.fieldNames().forEachRemaining(keys::add);
        assertFalse(keys.stream().anyMatch(k -> k.contains("refinery") || k.contains("sha")), "provenance stays out of PEFT's file: " + keys);
        assertEquals(keys.stream().sorted().toList(), keys, "sorted like PEFT's json.dumps(sort_keys=True)");

        JsonNode p = JSON.readTree(dir.resolve("refinery_adapter.json").toFile());
        assertEquals(SHA, p.get("base_model_sha256").asText());
        assertEquals("HALF", p.get("base_rope_style").asText());
    }

    @Test
    void interleavedBaseStoresQueryAndKeyBInHfLayoutAndReadsThemBack() {
        LoraAdapter adapter = Adapters.trained(INTERLEAVED, 3, 6f, LoraConfig.allLinear(), 4);
        PeftAdapterIo.write(adapter, dir, "stories15M", SHA);
        try (SafeTensorsFile st = SafeTensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            for (int layer = 0; layer < 2; layer++) {
                assertArrayEquals(RopeLayout.toHalf(adapter.b(layer, Projection.Q), 4).data(),
                        st.read(LoraAdapter.peftName(layer, Projection.Q, "lora_B")).data());
                assertArrayEquals(RopeLayout.toHalf(adapter.b(layer, Projection.K), 2).data(),
                        st.read(LoraAdapter.peftName(layer, Projection.K, "lora_B")).data());
                assertArrayEquals(adapter.a(layer, Projection.Q).data(), st.read(LoraAdapter.peftName(layer, Projection.Q, "lora_A")).data(),
                        "A acts on the input, which RoPE does not touch");
                assertArrayEquals(adapter.b(layer, Projection.V).data(), st.read(LoraAdapter.peftName(layer, Projection.V, "lora_B")).data());
            }
            assertEquals("INTERLEAVED", st.metadata().get("refinery.base_rope_style"));
            assertEquals(SHA, st.metadata().get("refinery.base_model_sha256"));
        }
        assertSameAdapter(adapter, PeftAdapterIo.read(dir, INTERLEAVED, SHA));
        assertEquals(new AdapterProvenance("stories15M", SHA, RopeStyle.INTERLEAVED), PeftAdapterIo.readProvenance(dir).orElseThrow());
    }

    /** The point of the layout conversion: the adapter does the same thing to the HF export of its base. */
    @Test
    void adapterFromInterleavedBaseMergesIntoItsHfExportConsistently() {
        ModelWeights base = ModelWeights.random(INTERLEAVED, 5);
        LoraAdapter adapter = Adapters.trained(INTERLEAVED, 2, 4f, LoraConfig.allLinear(), 6);
        PeftAdapterIo.write(adapter, dir, null, null);

        ModelWeights hfBase = HfModelWriter.toHfLayout(base);
        LoraAdapter onHfBase = PeftAdapterIo.read(dir, hfBase.config());
        ModelWeights viaHf = LoraMerger.merge(hfBase, onHfBase);
        ModelWeights thenConverted = HfModelWriter.toHfLayout(LoraMerger.merge(base, adapter));
        thenConverted.byHfName().forEach((name, t) -> assertArrayEquals(t.data(), viaHf.byHfName().get(name).data(), 1e-6f, name));
    }

    @Test
    void differentBaseChecksumIsRefusedNamingBoth() {
        PeftAdapterIo.write(Adapters.trained(HALF, 2, 2f, EnumSet.of(Projection.Q), 7), dir, "base-a", SHA);
        String other = "b".repeat(64);
        EngineException e = assertThrows(EngineException.AdapterBaseMismatch.class, () -> PeftAdapterIo.read(dir, HALF, other));
        assertEquals("ENGINE_ADAPTER_BASE_MISMATCH", e.code());
        assertTrue(e.getMessage().contains(SHA) && e.getMessage().contains(other) && e.getMessage().contains("base-a"), e.getMessage());
        // Same checksum in other case, or no checksum from the caller, is accepted.
        assertEquals(2, PeftAdapterIo.read(dir, HALF, SHA.toUpperCase()).config().rank());
        assertEquals(2, PeftAdapterIo.read(dir, HALF).config().rank());
    }

    @Test
    void provenanceFallsBackToSafetensorsMetadata() throws IOException {
        PeftAdapterIo.write(Adapters.trained(HALF, 2, 2f, EnumSet.of(Projection.Q), 8), dir, "base-a", SHA);
        Files.delete(dir.resolve("refinery_adapter.json"));
        assertEquals(SHA, PeftAdapterIo.readProvenance(dir).orElseThrow().baseModelSha256());
        assertThrows(EngineException.AdapterBaseMismatch.class, () -> PeftAdapterIo.read(dir, HALF, "c".repeat(64)));
    }

    @Test
    void adapterWithoutProvenanceReadsAndSkipsTheCheck() throws IOException {
        Path peftOnly = dir.resolve("plain");
        PeftAdapterIo.write(Adapters.trained(HALF, 2, 2f, EnumSet.of(Projection.Q), 9), peftOnly, null, null);
        Files.delete(peftOnly.resolve("refinery_adapter.json"));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafeTensorsFile st = SafeTensorsFile.open(peftOnly.resolve("adapter_model.safetensors"))) {
            st.names().forEach(n -> tensors.put(n, st.read(n)));
        }
        SafeTensors.write(peftOnly.resolve("adapter_model.safetensors"), tensors, Map.of("format", "pt"));
        assertTrue(PeftAdapterIo.readProvenance(peftOnly).isEmpty());
        assertEquals(2, PeftAdapterIo.read(peftOnly, HALF, SHA).config().rank());
    }

    @Test
    void rankThatDisagreesWithTensorShapesIsAShapeMismatch() throws IOException {
        PeftAdapterIo.write(Adapters.trained(HALF, 4, 8f, EnumSet.of(Projection.Q), 10), dir, null, null);
        editConfig(c -> c.put("r", 2));
        EngineException e = assertThrows(EngineException.ShapeMismatch.class, () -> PeftAdapterIo.read(dir, HALF));
        assertTrue(e.getMessage().contains("q_proj.lora_A") && e.getMessage().contains("[4, 16]") && e.getMessage().contains("[2, 16]"),
                e.getMessage());
    }

    @Test
    void adapterForAnotherModelShapeIsAShapeMismatch() {
        PeftAdapterIo.write(Adapters.trained(HALF, 4, 8f, EnumSet.of(Projection.UP), 11), dir, null, null);
        ModelConfig wider = new ModelConfig("LlamaForCausalLM", 16, 32, 2, 4, 2, 4, 29, 64, 1e-5f, 10000f, RopeStyle.HALF, true, false);
        EngineException e = assertThrows(EngineException.ShapeMismatch.class, () -> PeftAdapterIo.read(dir, wider));
        assertTrue(e.getMessage().contains("up_proj.lora_B") && e.getMessage().contains("[24, 4]") && e.getMessage().contains("[32, 4]"),
                e.getMessage());
    }

    @Test
    void tensorsAndTargetModulesMustAgree() throws IOException {
        PeftAdapterIo.write(Adapters.trained(HALF, 2, 2f, EnumSet.of(Projection.Q, Projection.V), 12), dir, null, null);
        editConfig(c -> c.putArray("target_modules").add("q_proj"));
        EngineException extra = assertThrows(EngineException.CorruptCheckpoint.class, () -> PeftAdapterIo.read(dir, HALF));
        assertTrue(extra.getMessage().contains("v_proj.lora_A") && extra.getMessage().contains("do not produce"), extra.getMessage());

        editConfig(c -> c.putArray("target_modules").add("q_proj").add("v_proj").add("o_proj"));
        EngineException missing = assertThrows(EngineException.CorruptCheckpoint.class, () -> PeftAdapterIo.read(dir, HALF));
        assertTrue(missing.getMessage().contains("o_proj.lora_A") && missing.getMessage().contains("lacks"), missing.getMessage());
    }

    @Test
    void unsupportedPeftFeaturesAreRefusedByName() throws IOException {
        Map<String, Consumer<ObjectNode>> edits = Map.of(
                "use_dora", c -> c.put("use_dora", true),
                "use_rslora", c -> c.put("use_rslora", true),
                "lm_head", c -> c.putArray("target_modules").add("lm_head"),
                "bias", c -> c.put("bias", "all"),
                "layers_to_transform", c -> c.putArray("layers_to_transform").add(0),
                "peft_type", c -> c.put("peft_type", "IA3"));
        for (Map.Entry<String, Consumer<ObjectNode>> edit : edits.entrySet()) {
            PeftAdapterIo.write(Adapters.trained(HALF, 2, 2f, EnumSet.of(Projection.Q), 13), dir, null, null);
            editConfig(edit.getValue());
            EngineException e = assertThrows(EngineException.UnsupportedArchitecture.class, () -> PeftAdapterIo.read(dir, HALF), edit.getKey());
            assertTrue(e.getMessage().contains(edit.getKey()), e.getMessage());
        }
    }

    @Test
    void allLinearStringSelectsEveryProjection() throws IOException {
        LoraAdapter adapter = Adapters.trained(HALF, 2, 2f, LoraConfig.allLinear(), 14);
        PeftAdapterIo.write(adapter, dir, null, null);
        editConfig(c -> c.put("target_modules", "all-linear"));
        assertEquals(Set.copyOf(LoraConfig.allLinear()), PeftAdapterIo.read(dir, HALF).config().targets());
    }

    @Test
    void invalidHyperparametersAreCorruptNamingTheFile() throws IOException {
        PeftAdapterIo.write(Adapters.trained(HALF, 2, 2f, EnumSet.of(Projection.Q), 15), dir, null, null);
        editConfig(c -> c.put("lora_alpha", -1));
        EngineException e = assertThrows(EngineException.CorruptCheckpoint.class, () -> PeftAdapterIo.read(dir, HALF));
        assertTrue(e.getMessage().contains("adapter_config.json") && e.getMessage().contains("alpha"), e.getMessage());
    }

    private void editConfig(Consumer<ObjectNode> edit) throws IOException {
        Path file = dir.resolve("adapter_config.json");
        ObjectNode c = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(c);
        JSON.writeValue(file.toFile(), c);
    }
}
