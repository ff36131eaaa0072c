package dev.refinery.engine.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.EngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The parts of a Hugging Face {@code tokenizer_config.json} the engine uses: which tokens are BOS and
 * EOS, and the model's Jinja chat template. Tokens may be written as a string or as
 * {@code {"content": ...}}; an explicit null (Qwen2's bos_token) means the model has none.
 */
public final class HfTokenizerConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean declaresBos;
    private final String bosToken;
    private final boolean declaresEos;
    private final String eosToken;
    private final String chatTemplate;

    private HfTokenizerConfig(boolean declaresBos, String bosToken, boolean declaresEos, String eosToken, String chatTemplate) {
        this.declaresBos = declaresBos;
        this.bosToken = bosToken;
        this.declaresEos = declaresEos;
        this.eosToken = eosToken;
        this.chatTemplate = chatTemplate;
    }

    /** A config that says nothing: BOS and EOS are then guessed from the vocabulary. */
    public static HfTokenizerConfig empty() {
        return new HfTokenizerConfig(false, null, false, null, null);
    }

    public static HfTokenizerConfig read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new EngineException.InputError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static HfTokenizerConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new EngineException.TokenizerMismatch(source + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new EngineException.TokenizerMismatch(source + " must hold a JSON object");
        }
        return new HfTokenizerConfig(root.has("bos_token"), tokenText(root.get("bos_token"), "bos_token", source),
                root.has("eos_token"), tokenText(root.get("eos_token"), "eos_token", source),
                chatTemplate(root.get("chat_template"), source));
    }

    /** True when the file has a bos_token entry, even a null one. */
    public boolean declaresBos() {
        return declaresBos;
    }

    public Optional<String> bosToken() {
        return Optional.ofNullable(bosToken);
    }

    public boolean declaresEos() {
        return declaresEos;
    }

    public Optional<String> eosToken() {
        return Optional.ofNullable(eosToken);
    }

    /** The Jinja chat template; of a list of named templates, the one named "default" or else the first. */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    private static String tokenText(JsonNode node, String field, String source) {
        if (HfJson.isAbsent(node)) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject() && node.path("content").isTextual()) {
            return node.get("content").asText();
        }
        throw new EngineException.TokenizerMismatch(source + ": " + field + " must be a string or {\"content\": ...}, got " + node);
    }

    private static String chatTemplate(JsonNode node, String source) {
        if (HfJson.isAbsent(node)) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray() && node.size() > 0) {
            for (JsonNode named : node) {
                if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                    return named.get("template").asText();
                }
            }
            if (node.get(0).path("template").isTextual()) {
                return node.get(0).get("template").asText();
            }
        }
        throw new EngineException.TokenizerMismatch(source + ": chat_template must be a string or a list of {name, template}");
    }
}
