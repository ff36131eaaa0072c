package dev.refinery.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.RopeStyle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates between a Hugging Face {@code config.json} and {@link ModelConfig}. Defaults follow the
 * transformers config classes; anything that would change the network in a way the engine does not
 * compute (rope_scaling, biases outside q/k/v, other activations) is refused rather than ignored,
 * because ignoring it would load a model that silently produces wrong outputs.
 */
final class HfConfigMapping {

    static final String LLAMA = "LlamaForCausalLM";
    static final String QWEN2 = "Qwen2ForCausalLM";
    static final String MISTRAL = "MistralForCausalLM";
    static final List<String> SUPPORTED = List.of(LLAMA, QWEN2, MISTRAL);

    private final ObjectNode json;
    private final Path file;

    private HfConfigMapping(ObjectNode json, Path file) {
        this.json = json;
        this.file = file;
    }

    /** The engine's config for a config.json; {@code lm_head} tying is decided by the caller (see the loader). */
    static ModelConfig toModelConfig(ObjectNode json, Path file) {
        return new HfConfigMapping(json, file).modelConfig();
    }

    static SpecialTokenIds specialTokens(ObjectNode json, Path file) {
        HfConfigMapping m = new HfConfigMapping(json, file);
        Integer bos = m.optionalInt("bos_token_id");
        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = json.get("eos_token_id");
        if (eosNode != null && eosNode.isArray()) {
            for (JsonNode id : eosNode) {
                eos.add(m.asInt("eos_token_id", id));
            }
        } else {
            Integer single = m.optionalInt("eos_token_id");
            if (single != null) {
                eos.add(single);
            }
        }
        return new SpecialTokenIds(bos, eos);
    }

    private ModelConfig modelConfig() {
        String architecture = architecture();
        requireAbsentOrEqual("hidden_act", "silu", "the engine's feed-forward is SwiGLU with SiLU");
        requireNoRopeScaling();
        if (architecture.equals(LLAMA)) {
            // Llama's attention_bias also puts a bias on o_proj, which the engine's layers do not have.
            requireFalse("attention_bias", "Llama with attention_bias also biases o_proj, which the engine does not support");
            requireFalse("mlp_bias", "the engine's feed-forward has no biases");
        }
        int dim = requiredInt("hidden_size");
        int heads = requiredInt("num_attention_heads");
        Integer kvHeads = optionalInt("num_key_value_heads");
        Integer headDim = optionalInt("head_dim");
        if (headDim == null) {
            if (heads <= 0 || dim % heads != 0) {
                throw invalid("hidden_size " + dim + " is not a multiple of num_attention_heads " + heads + " and there is no head_dim");
            }
            headDim = dim / heads;
        }
        int maxSeqLen = effectiveContext(architecture);
        try {
            return new ModelConfig(architecture, dim, requiredInt("intermediate_size"), requiredInt("num_hidden_layers"),
                    heads, kvHeads == null ? heads : kvHeads, headDim, requiredInt("vocab_size"), maxSeqLen,
                    (float) optionalDouble("rms_norm_eps", 1e-6), (float) optionalDouble("rope_theta", 10000.0),
                    RopeStyle.HALF, optionalBoolean("tie_word_embeddings", false), architecture.equals(QWEN2));
        } catch (EngineException.InvalidConfig e) {
            throw invalid(e.getMessage());
        }
    }

    private String architecture() {
        JsonNode list = json.get("architectures");
        List<String> named = new ArrayList<>();
        if (list != null && list.isArray()) {
            list.forEach(a -> named.add(a.asText()));
        }
        for (String a : named) {
            if (SUPPORTED.contains(a)) {
                return a;
            }
        }
        if (named.isEmpty()) {
            // Configs saved from a bare model class may carry only model_type.
            String type = json.path("model_type").asText("");
            switch (type) {
                case "llama":
                    return LLAMA;
                case "qwen2":
                    return QWEN2;
                case "mistral":
                    return MISTRAL;
                default:
                    throw new EngineException.UnsupportedArchitecture("config " + file + " names no architecture (model_type '"
                            + type + "'); supported: " + SUPPORTED);
            }
        }
        throw new EngineException.UnsupportedArchitecture("config " + file + " describes architecture " + String.join(", ", named)
                + ", which the engine does not support; supported: " + SUPPORTED);
    }

    /**
     * The context the engine may use. Mistral and Qwen2 may use sliding-window attention; within one window
     * it equals full causal attention, so capping the context at the window keeps the model exact.
     */
    private int effectiveContext(String architecture) {
        int defaultContext = switch (architecture) {
            case QWEN2 -> 32768;
            case MISTRAL -> 131072;
            default -> 2048;
        };
        Integer declared = optionalInt("max_position_embeddings");
        int context = declared == null ? defaultContext : declared;
        boolean windowed = switch (architecture) {
            case MISTRAL -> true;
            case QWEN2 -> optionalBoolean("use_sliding_window", false);
            default -> false;
        };
        // transformers defaults the window to 4096 when the key is absent; an explicit null means no window.
        Integer window = json.has("sliding_window") ? optionalInt("sliding_window") : Integer.valueOf(4096);
        if (windowed && window != null && window > 0) {
            context = Math.min(context, window);
        }
        return context;
    }

    private void requireNoRopeScaling() {
        JsonNode scaling = json.get("rope_scaling");
        if (scaling == null || scaling.isNull()) {
            return;
        }
        String type = scaling.path("rope_type").asText(scaling.path("type").asText("unknown"));
        if (type.equals("default")) {
            return;
        }
        throw new EngineException.UnsupportedArchitecture("config " + file + " sets rope_scaling of type '" + type
                + "' (as Llama 3.1+ and long-context models do); the engine implements plain RoPE only, and ignoring the"
                + " scaling would give wrong outputs");
    }

    private void requireAbsentOrEqual(String field, String expected, String why) {
        JsonNode node = json.get(field);
        if (node != null && !node.isNull() && !node.asText().equals(expected)) {
            throw new EngineException.UnsupportedArchitecture("config " + file + " sets " + field + " = " + node
                    + "; only '" + expected + "' is supported: " + why);
        }
    }

    private void requireFalse(String field, String why) {
        if (optionalBoolean(field, false)) {
            throw new EngineException.UnsupportedArchitecture("config " + file + " sets " + field + " = true: " + why);
        }
    }

    private int requiredInt(String field) {
        Integer value = optionalInt(field);
        if (value == null) {
            throw invalid("required field '" + field + "' is missing");
        }
        return value;
    }

    private Integer optionalInt(String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? null : asInt(field, node);
    }

    private int asInt(String field, JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw invalid("field '" + field + "' must be an integer, got " + node);
        }
        return node.intValue();
    }

    private double optionalDouble(String field, double fallback) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw invalid("field '" + field + "' must be a number, got " + node);
        }
        return node.doubleValue();
    }

    private boolean optionalBoolean(String field, boolean fallback) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw invalid("field '" + field + "' must be true or false, got " + node);
        }
        return node.booleanValue();
    }

    private EngineException.InvalidConfig invalid(String what) {
        return new EngineException.InvalidConfig("config " + file + ": " + what);
    }

    /**
     * A config.json for the engine's config, as transformers would write it. Models with q/k/v biases
     * become Qwen2 (the only supported family with exactly those biases), all others Llama. The caller
     * permutes interleaved weights first; the result always describes rotate-half RoPE.
     */
    static ObjectNode toJson(ModelConfig c, SpecialTokenIds tokens, String torchDtype) {
        boolean qwen2 = c.attentionBias();
        ObjectNode json = JsonFiles.MAPPER.createObjectNode();
        json.putArray("architectures").add(qwen2 ? QWEN2 : LLAMA);
        json.put("model_type", qwen2 ? "qwen2" : "llama");
        json.put("hidden_size", c.dim());
        json.put("intermediate_size", c.hiddenDim());
        json.put("num_hidden_layers", c.nLayers());
        json.put("num_attention_heads", c.nHeads());
        json.put("num_key_value_heads", c.nKvHeads());
        json.put("head_dim", c.headDim());
        json.put("vocab_size", c.vocabSize());
        json.put("max_position_embeddings", c.maxSeqLen());
        json.put("rms_norm_eps", shortestDecimal(c.normEps()));
        json.put("rope_theta", shortestDecimal(c.ropeTheta()));
        json.putNull("rope_scaling");
        json.put("tie_word_embeddings", c.tiedEmbeddings());
        json.put("hidden_act", "silu");
        json.put("attention_dropout", 0.0);
        json.put("initializer_range", 0.02);
        if (qwen2) {
            json.put("use_sliding_window", false);
        } else {
            json.put("attention_bias", false);
            json.put("mlp_bias", false);
        }
        json.put("use_cache", true);
        json.put("torch_dtype", torchDtype);
        if (tokens.bos() != null) {
            json.put("bos_token_id", tokens.bos());
        }
        if (tokens.eos().size() == 1) {
            json.put("eos_token_id", tokens.eos().get(0));
        } else if (!tokens.eos().isEmpty()) {
            ArrayNode eos = json.putArray("eos_token_id");
            tokens.eos().forEach(eos::add);
        }
        return json;
    }

    /** The float as the shortest decimal that reads back to it (1e-5f is written 1.0E-5, not 9.99999974737875E-6). */
    private static double shortestDecimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
