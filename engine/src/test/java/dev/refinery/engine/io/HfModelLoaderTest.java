package dev.refinery.engine.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfModelLoaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Map<String, Object> llamaConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("LlamaForCausalLM"));
        c.put("model_type", "llama");
        c.put("hidden_size", 16);
        c.put("intermediate_size", 40);
        c.put("num_hidden_layers", 2);
        c.put("num_attention_heads", 4);
        c.put("num_key_value_heads", 2);
        c.put("vocab_size", 37);
        c.put("max_position_embeddings", 128);
        c.put("rms_norm_eps", 1e-5);
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        return c;
    }

    static Map<String, Object> qwen2Config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("Qwen2ForCausalLM"));
        c.put("model_type", "qwen2");
        c.put("hidden_size", 24);
        c.put("intermediate_size", 48);
        c.put("num_hidden_layers", 1);
        c.put("num_attention_heads", 6);
        c.put("num_key_value_heads", 2);
        c.put("vocab_size", 50);
        c.put("max_position_embeddings", 32768);
        c.put("rms_norm_eps", 1e-6);
        c.put("rope_theta", 1000000.0);
        c.put("tie_word_embeddings", true);
        c.put("use_sliding_window", false);
        c.put("sliding_window", 4096);
        c.put("rope_scaling", null);
        c.put("eos_token_id", List.of(48, 49));
        return c;
    }

    private void writeConfig(Map<String, Object> config) throws IOException {
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
    }

    /** Writes config.json and random weights of the shapes it describes; returns those weights. */
    private ModelWeights writeModel(Map<String, Object> config) throws IOException {
        writeConfig(config);
        ModelWeights weights = ModelWeights.random(HfModelLoader.readConfig(dir), 42);
        SafeTensors.write(dir.resolve("model.safetensors"), weights.byHfName(), Map.of("format", "pt"));
        return weights;
    }

    private static void assertSameTensors(ModelWeights expected, ModelWeights actual) {
        Map<String, Tensor> e = expected.byHfName();
        Map<String, Tensor> a = actual.byHfName();
        assertEquals(e.keySet(), a.keySet());
        e.forEach((name, t) -> assertArrayEquals(t.data(), a.get(name).data(), name));
    }

    @Test
    void mapsLlamaConfigWithDefaults() throws IOException {
        ModelWeights written = writeModel(llamaConfig());
        ModelWeights loaded = HfModelLoader.load(dir);
        ModelConfig c = loaded.config();
        assertEquals(new ModelConfig("LlamaForCausalLM", 16, 40, 2, 4, 2, 4, 37, 128, 1e-5f, 10000f, RopeStyle.HALF,
                false, false), c);
        assertSameTensors(written, loaded);
        assertEquals(SpecialTokenIds.of(1, 2), HfModelLoader.readSpecialTokens(dir));
    }

    @Test
    void mapsQwen2ConfigWithBiasesTiedEmbeddingsAndRopeTheta() throws IOException {
        ModelWeights written = writeModel(qwen2Config());
        ModelWeights loaded = HfModelLoader.load(dir);
        ModelConfig c = loaded.config();
        assertEquals("Qwen2ForCausalLM", c.architecture());
        assertTrue(c.attentionBias(), "Qwen2 always has q/k/v biases");
        assertTrue(c.tiedEmbeddings());
        assertEquals(1e6f, c.ropeTheta());
        assertEquals(1e-6f, c.normEps());
        assertEquals(4, c.headDim());
        assertEquals(32768, c.maxSeqLen(), "no sliding window in use, so the full context stays");
        assertNull(loaded.classifier);
        assertTrue(loaded.byHfName().containsKey("model.layers.0.self_attn.k_proj.bias"));
        assertSameTensors(written, loaded);
        assertEquals(new SpecialTokenIds(null, List.of(48, 49)), HfModelLoader.readSpecialTokens(dir));
    }

    @Test
    void explicitHeadDimOverridesHiddenOverHeads() throws IOException {
        Map<String, Object> config = llamaConfig();
        config.put("head_dim", 8);
        ModelWeights written = writeModel(config);
        ModelConfig c = HfModelLoader.load(dir).config();
        assertEquals(8, c.headDim());
        assertEquals(32, c.qDim());
        assertEquals(32, written.layers[0].wq.dim(0));
    }

    @Test
    void loadsBfloat16AndShardedCheckpoints() throws IOException {
        writeConfig(llamaConfig());
        ModelWeights weights = ModelWeights.random(HfModelLoader.readConfig(dir), 5);
        Map<String, Tensor> all = weights.byHfName();
        Map<String, Tensor> first = new LinkedHashMap<>();
        Map<String, Tensor> second = new LinkedHashMap<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        all.forEach((name, t) -> {
            boolean early = name.startsWith("model.embed") || name.startsWith("model.layers.0.");
            (early ? first : second).put(name, t);
            weightMap.put(name, early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        });
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), first, Map.of(), SafeTensorsDtype.BF16);
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), second, Map.of(), SafeTensorsDtype.BF16);
        JSON.writeValue(dir.resolve(SafeTensors.INDEX_FILE).toFile(), Map.of("metadata", Map.of("total_size", 1), "weight_map", weightMap));

        ModelWeights loaded = HfModelLoader.load(dir);
        all.forEach((name, t) -> {
            float[] back = loaded.byHfName().get(name).data();
            for (int i = 0; i < back.length; i++) {
                assertEquals(HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(t.data()[i])), back[i], name);
            }
        });
    }

    @Test
    void missingLmHeadMeansTiedEmbeddings() throws IOException {
        writeConfig(llamaConfig());
        ModelWeights weights = ModelWeights.random(HfModelLoader.readConfig(dir), 9);
        Map<String, Tensor> tensors = weights.byHfName();
        assertFalse(HfModelLoader.readConfig(dir).tiedEmbeddings());
        tensors.remove("lm_head.weight");
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
        ModelWeights loaded = HfModelLoader.load(dir);
        assertTrue(loaded.config().tiedEmbeddings());
        assertArrayEquals(weights.tokenEmbedding.data(), loaded.outputMatrix().data());
    }

    @Test
    void wrongShapeNamesTensorFileAndBothShapes() throws IOException {
        writeConfig(llamaConfig());
        Map<String, Tensor> tensors = ModelWeights.random(HfModelLoader.readConfig(dir), 1).byHfName();
        tensors.put("model.layers.1.mlp.up_proj.weight", Tensor.zeros("up", 41, 16));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
        EngineException e = assertThrows(EngineException.ShapeMismatch.class, () -> HfModelLoader.load(dir));
        assertEquals("ENGINE_SHAPE_MISMATCH", e.code());
        String m = e.getMessage();
        assertTrue(m.contains("'model.layers.1.mlp.up_proj.weight'") && m.contains("model.safetensors")
                && m.contains("[41, 16]") && m.contains("[40, 16]"), m);
    }

    @Test
    void missingTensorNamesItAndTheExpectedShape() throws IOException {
        writeConfig(llamaConfig());
        Map<String, Tensor> tensors = ModelWeights.random(HfModelLoader.readConfig(dir), 1).byHfName();
        tensors.remove("model.layers.0.self_attn.k_proj.weight");
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
        EngineException e = assertThrows(EngineException.ShapeMismatch.class, () -> HfModelLoader.load(dir));
        assertTrue(e.getMessage().contains("'model.layers.0.self_attn.k_proj.weight'") && e.getMessage().contains("[8, 16]"), e.getMessage());
    }

    @Test
    void unknownArchitectureIsNamedWithTheSupportedList() throws IOException {
        Map<String, Object> config = llamaConfig();
        config.put("architectures", List.of("GPT2LMHeadModel"));
        writeConfig(config);
        EngineException e = assertThrows(EngineException.UnsupportedArchitecture.class, () -> HfModelLoader.load(dir));
        assertEquals("ENGINE_UNSUPPORTED_ARCHITECTURE", e.code());
        assertTrue(e.getMessage().contains("GPT2LMHeadModel") && e.getMessage().contains("LlamaForCausalLM")
                && e.getMessage().contains("Qwen2ForCausalLM"), e.getMessage());
    }

    @Test
    void ropeScalingIsRefusedWithItsType() throws IOException {
        Map<String, Object> config = llamaConfig();
        config.put("rope_scaling", Map.of("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0,
                "high_freq_factor", 4.0, "original_max_position_embeddings", 8192));
        writeConfig(config);
        EngineException e = assertThrows(EngineException.UnsupportedArchitecture.class, () -> HfModelLoader.readConfig(dir));
        assertTrue(e.getMessage().contains("rope_scaling") && e.getMessage().contains("'llama3'"), e.getMessage());

        config.put("rope_scaling", Map.of("type", "linear", "factor", 2.0));
        writeConfig(config);
        EngineException legacy = assertThrows(EngineException.UnsupportedArchitecture.class, () -> HfModelLoader.readConfig(dir));
        assertTrue(legacy.getMessage().contains("'linear'"), legacy.getMessage());
    }

    @Test
    void featuresThatWouldChangeTheNetworkAreRefused() throws IOException {
        Map<String, Object> biased = llamaConfig();
        biased.put("attention_bias", true);
        writeConfig(biased);
        EngineException bias = assertThrows(EngineException.UnsupportedArchitecture.class, () -> HfModelLoader.readConfig(dir));
        assertTrue(bias.getMessage().contains("attention_bias") && bias.getMessage().contains("o_proj"), bias.getMessage());

        Map<String, Object> gelu = llamaConfig();
        gelu.put("hidden_act", "gelu");
        writeConfig(gelu);
        EngineException act = assertThrows(EngineException.UnsupportedArchitecture.class, () -> HfModelLoader.readConfig(dir));
        assertTrue(act.getMessage().contains("hidden_act") && act.getMessage().contains("gelu"), act.getMessage());
    }

    @Test
    void slidingWindowCapsTheContextSoAttentionStaysExact() throws IOException {
        Map<String, Object> mistral = llamaConfig();
        mistral.put("architectures", List.of("MistralForCausalLM"));
        mistral.put("max_position_embeddings", 32768);
        mistral.put("sliding_window", 4096);
        writeConfig(mistral);
        assertEquals(4096, HfModelLoader.readConfig(dir).maxSeqLen());

        mistral.put("sliding_window", null);
        writeConfig(mistral);
        assertEquals(32768, HfModelLoader.readConfig(dir).maxSeqLen(), "an explicit null window means full attention");

        Map<String, Object> qwen = qwen2Config();
        qwen.put("use_sliding_window", true);
        writeConfig(qwen);
        assertEquals(4096, HfModelLoader.readConfig(dir).maxSeqLen());
    }

    @Test
    void missingOrMistypedFieldsAreInvalidConfigNamingTheField() throws IOException {
        Map<String, Object> config = llamaConfig();
        config.remove("vocab_size");
        writeConfig(config);
        EngineException missing = assertThrows(EngineException.InvalidConfig.class, () -> HfModelLoader.readConfig(dir));
        assertTrue(missing.getMessage().contains("vocab_size") && missing.getMessage().contains("config.json"), missing.getMessage());

        config = llamaConfig();
        config.put("num_hidden_layers", "two");
        writeConfig(config);
        EngineException mistyped = assertThrows(EngineException.InvalidConfig.class, () -> HfModelLoader.readConfig(dir));
        assertTrue(mistyped.getMessage().contains("num_hidden_layers"), mistyped.getMessage());

        config = llamaConfig();
        config.put("num_key_value_heads", 3);
        writeConfig(config);
        EngineException invalid = assertThrows(EngineException.InvalidConfig.class, () -> HfModelLoader.readConfig(dir));
        assertTrue(invalid.getMessage().contains("config.json") && invalid.getMessage().contains("n_kv_heads"), invalid.getMessage());

        Files.writeString(dir.resolve("config.json"), "{not json");
        assertThrows(EngineException.CorruptCheckpoint.class, () -> HfModelLoader.readConfig(dir));
    }
}
