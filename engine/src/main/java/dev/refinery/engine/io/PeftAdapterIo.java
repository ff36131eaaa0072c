package dev.refinery.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.lora.LoraConfig;
import dev.refinery.engine.model.ModelConfig;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.model.RopeStyle;
import dev.refinery.engine.model.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and writes LoRA adapters as PEFT directories: {@code adapter_config.json} with the keys PEFT
 * writes, {@code adapter_model.safetensors} with PEFT's tensor names, and our provenance in a separate
 * {@code refinery_adapter.json} (older PEFT versions reject unknown keys in adapter_config.json).
 *
 * <p>Stored tensors always use the Hugging Face rotate-half layout, so an adapter trained on an
 * interleaved (llama2.c) base works with the Hugging Face export of that base: lora_B of q_proj and
 * k_proj is permuted on write and back on read. lora_A acts on the layer input, which RoPE does not touch.
 */
public final class PeftAdapterIo {

    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    public static final String PROVENANCE_FILE = "refinery_adapter.json";

    private static final String PROVENANCE_FORMAT = "refinery-lora-adapter";
    private static final String META_PREFIX = "refinery.";

    private PeftAdapterIo() {
    }

    /**
     * Writes the adapter into {@code dir} (created if needed).
     *
     * @param baseModel       written as base_model_name_or_path; may be null
     * @param baseModelSha256 checksum of the base checkpoint, checked again on read; may be null
     */
    public static void write(LoraAdapter adapter, Path dir, String baseModel, String baseModelSha256) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EngineException.OutputError("cannot create adapter directory " + dir + ": " + e.getMessage(), e);
        }
        AdapterProvenance provenance = new AdapterProvenance(baseModel, baseModelSha256, adapter.modelConfig().ropeStyle());
        JsonFiles.write(dir.resolve(CONFIG_FILE), peftConfig(adapter.config(), baseModel));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        provenanceFields(provenance).forEach((k, v) -> metadata.put(META_PREFIX + k, v));
        SafeTensorsWriter.write(dir.resolve(WEIGHTS_FILE), toHfLayout(adapter), metadata);
        ObjectNode json = JsonFiles.MAPPER.createObjectNode();
        json.put("format", PROVENANCE_FORMAT);
        json.put("format_version", 1);
        provenanceFields(provenance).forEach(json::put);
        json.put("tensor_layout", "rotate-half");
        JsonFiles.write(dir.resolve(PROVENANCE_FILE), json);
    }

    /** Reads an adapter for a base model without checking which base it was trained on. */
    public static LoraAdapter read(Path dir, ModelConfig base) {
        return read(dir, base, null);
    }

    /**
     * Reads an adapter for {@code base}, in the base's RoPE layout. When both the recorded and the given
     * base checksum are known and differ, throws {@link EngineException.AdapterBaseMismatch}.
     *
     * @param actualBaseSha256 SHA-256 of the base checkpoint the caller will apply the adapter to; may be null
     */
    public static LoraAdapter read(Path dir, ModelConfig base, String actualBaseSha256) {
        Path configFile = dir.resolve(CONFIG_FILE);
        ObjectNode json = JsonFiles.readObject(configFile, "adapter config");
        checkBase(dir, actualBaseSha256);
        LoraConfig config = new PeftConfigReader(json, configFile).loraConfig();
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(weightsFile) && Files.exists(dir.resolve("adapter_model.bin"))) {
            throw new EngineException.UnsupportedArchitecture("adapter " + dir + " is stored as adapter_model.bin (a pickle);"
                    + " only adapter_model.safetensors is supported");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafeTensorsFile file = SafeTensorsFile.open(weightsFile)) {
            Map<String, int[]> expected = expectedShapes(config, base);
            for (String name : file.names()) {
                if (!expected.containsKey(name)) {
                    throw new EngineException.CorruptCheckpoint("adapter " + weightsFile + " holds tensor '" + name
                            + "', which target_modules " + config.targets() + " over " + base.nLayers() + " layers do not produce");
                }
            }
            for (Map.Entry<String, int[]> e : expected.entrySet()) {
                String name = e.getKey();
                if (!file.contains(name)) {
                    throw new EngineException.CorruptCheckpoint("adapter " + weightsFile + " lacks tensor '" + name
                            + "' that target_modules " + config.targets() + " require");
                }
                int[] actual = file.entry(name).shape();
                if (!Arrays.equals(actual, e.getValue())) {
                    throw new EngineException.ShapeMismatch("adapter tensor '" + name + "' in " + weightsFile + " has shape "
                            + Arrays.toString(actual) + " but r=" + config.rank() + " on this base model requires "
                            + Arrays.toString(e.getValue()));
                }
                tensors.put(name, file.read(name));
            }
        }
        if (base.ropeStyle() == RopeStyle.INTERLEAVED) {
            permuteQkB(tensors, config, base, false);
        }
        return LoraAdapter.of(config, base, tensors);
    }

    /** Provenance recorded with an adapter: refinery_adapter.json, else the safetensors metadata; empty if neither. */
    public static Optional<AdapterProvenance> readProvenance(Path dir) {
        Path file = dir.resolve(PROVENANCE_FILE);
        if (Files.exists(file)) {
            ObjectNode json = JsonFiles.readObject(file, "adapter provenance");
            return Optional.of(provenance(name -> textOrNull(json.get(name)), file));
        }
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (Files.exists(weights)) {
            try (SafeTensorsFile st = SafeTensorsFile.open(weights)) {
                Map<String, String> meta = st.metadata();
                if (meta.keySet().stream().anyMatch(k -> k.startsWith(META_PREFIX))) {
                    return Optional.of(provenance(name -> meta.get(META_PREFIX + name), weights));
                }
            }
        }
        return Optional.empty();
    }

    private static void checkBase(Path dir, String actualBaseSha256) {
        if (actualBaseSha256 == null) {
            return;
        }
        Optional<AdapterProvenance> recorded = readProvenance(dir);
        String expected = recorded.map(AdapterProvenance::baseModelSha256).orElse(null);
        if (expected != null && !expected.equalsIgnoreCase(actualBaseSha256)) {
            throw new EngineException.AdapterBaseMismatch("adapter " + dir + " was trained on base model "
                    + Optional.ofNullable(recorded.get().baseModel()).map(n -> n + " ").orElse("")
                    + "with sha256 " + expected + ", but the base model given has sha256 " + actualBaseSha256);
        }
    }

    private static AdapterProvenance provenance(Function<String, String> field, Path source) {
        String style = field.apply("base_rope_style");
        RopeStyle ropeStyle = null;
        if (style != null) {
            try {
                ropeStyle = RopeStyle.valueOf(style.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new EngineException.CorruptCheckpoint("adapter provenance " + source + " has unknown base_rope_style '" + style + "'");
            }
        }
        return new AdapterProvenance(field.apply("base_model"), field.apply("base_model_sha256"), ropeStyle);
    }

    private static Map<String, String> provenanceFields(AdapterProvenance p) {
        Map<String, String> out = new LinkedHashMap<>();
        if (p.baseModel() != null) {
            out.put("base_model", p.baseModel());
        }
        if (p.baseModelSha256() != null) {
            out.put("base_model_sha256", p.baseModelSha256());
        }
        out.put("base_rope_style", p.baseRopeStyle().name());
        return out;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /** The adapter's tensors in the Hugging Face layout, under PEFT names. */
    private static Map<String, Tensor> toHfLayout(LoraAdapter adapter) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(adapter.byPeftName());
        if (adapter.modelConfig().ropeStyle() == RopeStyle.INTERLEAVED) {
            permuteQkB(tensors, adapter.config(), adapter.modelConfig(), true);
        }
        return tensors;
    }

    private static void permuteQkB(Map<String, Tensor> tensors, LoraConfig config, ModelConfig base, boolean toHalf) {
        for (int layer = 0; layer < base.nLayers(); layer++) {
            for (Projection p : EnumSet.of(Projection.Q, Projection.K)) {
                if (!config.targets().contains(p)) {
                    continue;
                }
                String name = LoraAdapter.peftName(layer, p, "lora_B");
                int heads = p == Projection.Q ? base.nHeads() : base.nKvHeads();
                Tensor b = tensors.get(name);
                tensors.put(name, toHalf ? RopeLayout.toHalf(b, heads) : RopeLayout.toInterleaved(b, heads));
            }
        }
    }

    private static Map<String, int[]> expectedShapes(LoraConfig config, ModelConfig base) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int layer = 0; layer < base.nLayers(); layer++) {
            for (Projection p : config.targets()) {
                out.put(LoraAdapter.peftName(layer, p, "lora_A"), new int[] {config.rank(), p.inFeatures(base)});
                out.put(LoraAdapter.peftName(layer, p, "lora_B"), new int[] {p.outFeatures(base), config.rank()});
            }
        }
        return out;
    }

    /** adapter_config.json as PEFT writes it: every key PEFT's LoraConfig knows, sorted like its sort_keys=True dump. */
    private static ObjectNode peftConfig(LoraConfig c, String baseModel) {
        ObjectNode json = JsonFiles.MAPPER.createObjectNode();
        json.putObject("alpha_pattern");
        json.putNull("auto_mapping");
        json.put("base_model_name_or_path", baseModel);
        json.put("bias", "none");
        json.put("fan_in_fan_out", false);
        json.put("inference_mode", true);
        json.put("init_lora_weights", true);
        json.putNull("layers_pattern");
        json.putNull("layers_to_transform");
        // PEFT types lora_alpha as int; keep integral values integral so the file looks like PEFT's own.
        if (c.alpha() == Math.rint(c.alpha()) && Math.abs(c.alpha()) < 1e9) {
            json.put("lora_alpha", (long) c.alpha());
        } else {
            json.put("lora_alpha", Double.parseDouble(Float.toString(c.alpha())));
        }
        json.put("lora_dropout", Double.parseDouble(Float.toString(c.dropout())));
        json.putNull("modules_to_save");
        json.put("peft_type", "LORA");
        json.put("r", c.rank());
        json.putObject("rank_pattern");
        json.putNull("revision");
        ArrayNode targets = json.putArray("target_modules");
        for (Projection p : Projection.values()) {
            if (c.targets().contains(p)) {
                targets.add(p.peftName());
            }
        }
        json.put("task_type", "CAUSAL_LM");
        json.put("use_dora", false);
        json.put("use_rslora", false);
        return json;
    }

    /** Parses and vets adapter_config.json: anything that changes the adapter's math beyond plain LoRA is refused. */
    private static final class PeftConfigReader {
        private final ObjectNode json;
        private final Path file;

        PeftConfigReader(ObjectNode json, Path file) {
            this.json = json;
            this.file = file;
        }

        LoraConfig loraConfig() {
            String type = json.path("peft_type").asText("");
            if (!type.equals("LORA")) {
                throw new EngineException.UnsupportedArchitecture("adapter config " + file + " has peft_type '" + type
                        + "'; only LORA adapters are supported");
            }
            refuseIfTrue("use_rslora", "rank-stabilised scaling (alpha/sqrt(r))");
            refuseIfTrue("use_dora", "DoRA");
            refuseIfTrue("fan_in_fan_out", "transposed (Conv1D-style) weights");
            refuseUnlessEmpty("layers_to_transform", "adapting only some layers");
            refuseUnlessEmpty("modules_to_save", "fully trained extra modules");
            refuseUnlessEmpty("rank_pattern", "per-module ranks");
            refuseUnlessEmpty("alpha_pattern", "per-module alphas");
            String bias = json.path("bias").asText("none");
            if (!bias.equals("none")) {
                throw unsupported("bias = '" + bias + "' (trained biases)");
            }
            int rank = intField("r", 8);
            double alpha = numberField("lora_alpha", 8);
            double dropout = numberField("lora_dropout", 0);
            try {
                return new LoraConfig(rank, (float) alpha, (float) dropout, targets());
            } catch (EngineException.InvalidArgument e) {
                throw new EngineException.CorruptCheckpoint("adapter config " + file + ": " + e.getMessage());
            }
        }

        private Set<Projection> targets() {
            JsonNode node = json.get("target_modules");
            if (node == null || node.isNull()) {
                throw new EngineException.CorruptCheckpoint("adapter config " + file + " has no target_modules");
            }
            if (node.isTextual()) {
                // PEFT also accepts a single string: "all-linear", or a regular expression the engine cannot interpret.
                if (node.textValue().equals("all-linear")) {
                    return LoraConfig.allLinear();
                }
                throw unsupported("target_modules pattern '" + node.textValue() + "' (give a list of module names)");
            }
            if (!node.isArray() || node.isEmpty()) {
                throw new EngineException.CorruptCheckpoint("adapter config " + file + " has target_modules " + node
                        + ", not a non-empty list of module names");
            }
            Set<Projection> out = EnumSet.noneOf(Projection.class);
            for (JsonNode module : node) {
                out.add(projection(module.asText()));
            }
            return out;
        }

        private Projection projection(String module) {
            for (Projection p : Projection.values()) {
                if (p.peftName().equals(module)) {
                    return p;
                }
            }
            throw unsupported("target module '" + module + "' (the engine adapts "
                    + Arrays.stream(Projection.values()).map(Projection::peftName).toList() + ")");
        }

        private void refuseIfTrue(String field, String feature) {
            if (json.path(field).asBoolean(false)) {
                throw unsupported(field + " = true (" + feature + ")");
            }
        }

        private void refuseUnlessEmpty(String field, String feature) {
            JsonNode node = json.get(field);
            if (node != null && !node.isNull() && !((node.isObject() || node.isArray()) && node.isEmpty())) {
                throw unsupported(field + " = " + node + " (" + feature + ")");
            }
        }

        private int intField(String field, int fallback) {
            JsonNode node = json.get(field);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                throw new EngineException.CorruptCheckpoint("adapter config " + file + ": " + field + " must be an integer, got " + node);
            }
            return node.intValue();
        }

        private double numberField(String field, double fallback) {
            JsonNode node = json.get(field);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isNumber()) {
                throw new EngineException.CorruptCheckpoint("adapter config " + file + ": " + field + " must be a number, got " + node);
            }
            return node.doubleValue();
        }

        private EngineException unsupported(String what) {
            return new EngineException.UnsupportedArchitecture("adapter config " + file + " uses " + what
                    + ", which the engine does not support");
        }
    }
}
