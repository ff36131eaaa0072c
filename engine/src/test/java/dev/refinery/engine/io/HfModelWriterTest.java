package dev.refinery.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.model.LayerWeights;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.ModelWeights;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfModelWriterTest {

    @TempDir
    Path dir;

    /** llama2.c-style model: interleaved RoPE, tied embeddings, grouped-query attention. */
    private static ModelWeights interleavedModel() {
        return ModelWeights.random(ModelConfig.llama2c(16, 24, 2, 4, 2, 29, 64), 3);
    }

    /** Interleaved model with q/k/v biases filled with distinct values (random() leaves biases zero). */
    private static ModelWeights interleavedBiasedModel() {
        ModelConfig c = new ModelConfig("test", 16, 24, 1, 4, 2, 4, 29, 64, 1e-5f, 10000f, RopeStyle.INTERLEAVED, false, true);
        ModelWeights w = ModelWeights.random(c, 8);
        SplittableRandom rnd = new SplittableRandom(1);
        for (LayerWeights l : w.layers) {
            for (Tensor b : List.of(l.bq, l.bk, l.bv)) {
                for (int i = 0; i < b.size(); i++) {
                    b.data()[i] = (float) rnd.nextDouble();
                }
            }
        }
        return w;
    }

    @Test
    void interleavedModelRoundTripsWithPermutedQueryAndKeyRows() {
        ModelWeights original = interleavedModel();
        HfModelWriter.write(original, dir, SpecialTokenIds.of(1, 2));
        ModelWeights loaded = HfModelLoader.load(dir);

        ModelConfig c = loaded.config();
        assertEquals(RopeStyle.HALF, c.ropeStyle());
        assertTrue(c.tiedEmbeddings());
        assertEquals(original.config().dim(), c.dim());
        assertEquals(original.config().nKvHeads(), c.nKvHeads());
        for (int i = 0; i < original.layers.length; i++) {
            LayerWeights o = original.layers[i];
            LayerWeights l = loaded.layers[i];
            assertArrayEquals(RopeLayout.toHalf(o.wq, c.nHeads()).data(), l.wq.data(), "q rows permuted over n_heads");
            assertArrayEquals(RopeLayout.toHalf(o.wk, c.nKvHeads()).data(), l.wk.data(), "k rows permuted over n_kv_heads");
            assertFalse(java.util.Arrays.equals(o.wq.data(), l.wq.data()), "the permutation actually changed q");
            assertArrayEquals(o.wq.data(), RopeLayout.toInterleaved(l.wq, c.nHeads()).data());
            assertArrayEquals(o.wk.data(), RopeLayout.toInterleaved(l.wk, c.nKvHeads()).data());
            // RoPE touches only q and k; everything else is written as is.
            assertArrayEquals(o.wv.data(), l.wv.data());
            assertArrayEquals(o.wo.data(), l.wo.data());
            assertArrayEquals(o.gate.data(), l.gate.data());
            assertArrayEquals(o.up.data(), l.up.data());
            assertArrayEquals(o.down.data(), l.down.data());
            assertArrayEquals(o.attnNorm.data(), l.attnNorm.data());
            assertArrayEquals(o.ffnNorm.data(), l.ffnNorm.data());
        }
        assertArrayEquals(original.tokenEmbedding.data(), loaded.tokenEmbedding.data());
        assertArrayEquals(original.finalNorm.data(), loaded.finalNorm.data());
        assertEquals(SpecialTokenIds.of(1, 2), HfModelLoader.readSpecialTokens(dir));
    }

    @Test
    void biasedModelBecomesQwen2WithPermutedQueryAndKeyBiases() throws IOException {
        ModelWeights original = interleavedBiasedModel();
        HfModelWriter.write(original, dir, new SpecialTokenIds(null, List.of(27, 28)));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals("Qwen2ForCausalLM", json.get("architectures").get(0).asText());
        assertEquals("qwen2", json.get("model_type").asText());
        assertEquals(2, json.get("eos_token_id").size());

        ModelWeights loaded = HfModelLoader.load(dir);
        LayerWeights o = original.layers[0];
        LayerWeights l = loaded.layers[0];
        assertArrayEquals(RopeLayout.toHalf(o.bq, 4).data(), l.bq.data());
        assertArrayEquals(RopeLayout.toHalf(o.bk, 2).data(), l.bk.data());
        assertFalse(java.util.Arrays.equals(o.bq.data(), l.bq.data()));
        assertArrayEquals(o.bv.data(), l.bv.data(), "v is not rotated, so its bias stays");
        assertArrayEquals(original.classifier.data(), loaded.classifier.data());
    }

    @Test
    void halfModelRoundTripsExactly() {
        ModelConfig c = new ModelConfig("LlamaForCausalLM", 16, 24, 2, 4, 4, 4, 29, 64, 1e-5f, 500000f, RopeStyle.HALF, false, false);
        ModelWeights original = ModelWeights.random(c, 4);
        assertSame(original, HfModelWriter.toHfLayout(original), "nothing to convert");
        HfModelWriter.write(original, dir, SpecialTokenIds.NONE);
        ModelWeights loaded = HfModelLoader.load(dir);
        assertEquals(c, loaded.config());
        original.byHfName().forEach((name, t) -> assertArrayEquals(t.data(), loaded.byHfName().get(name).data(), name));
    }

    @Test
    void configJsonCarriesEveryFieldTransformersNeeds() throws IOException {
        HfModelWriter.write(interleavedModel(), dir, SpecialTokenIds.of(1, 2), SafeTensorsDtype.BF16);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals("LlamaForCausalLM", json.get("architectures").get(0).asText());
        assertEquals("llama", json.get("model_type").asText());
        assertEquals(16, json.get("hidden_size").asInt());
        assertEquals(24, json.get("intermediate_size").asInt());
        assertEquals(2, json.get("num_hidden_layers").asInt());
        assertEquals(4, json.get("num_attention_heads").asInt());
        assertEquals(2, json.get("num_key_value_heads").asInt());
        assertEquals(4, json.get("head_dim").asInt());
        assertEquals(29, json.get("vocab_size").asInt());
        assertEquals(64, json.get("max_position_embeddings").asInt());
        assertEquals(1e-5, json.get("rms_norm_eps").asDouble(), 0, "written as the shortest decimal, not 9.99999974e-6");
        assertEquals(10000.0, json.get("rope_theta").asDouble());
        assertTrue(json.get("rope_scaling").isNull());
        assertTrue(json.get("tie_word_embeddings").asBoolean());
        assertFalse(json.get("attention_bias").asBoolean());
        assertEquals("silu", json.get("hidden_act").asText());
        assertEquals("bfloat16", json.get("torch_dtype").asText());
        assertEquals(1, json.get("bos_token_id").asInt());
        assertEquals(2, json.get("eos_token_id").asInt());
        try (TensorStore st = SafeTensors.open(dir)) {
            assertEquals(SafeTensorsDtype.BF16, st.entry("model.embed_tokens.weight").dtype());
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertFalse(st.contains("lm_head.weight"), "tied embeddings are stored once");
        }
    }
}
