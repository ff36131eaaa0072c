package dev.refinery.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.engine.EngineException;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Lenient reading of tokenizer.json fields, with errors that name the file and the field. */
final class HfJson {

    private HfJson() {
    }

    static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return isAbsent(v) ? fallback : v.asText();
    }

    static boolean bool(JsonNode node, String field, boolean fallback) {
        JsonNode v = node.get(field);
        return isAbsent(v) ? fallback : v.asBoolean(fallback);
    }

    static String type(JsonNode node, String where) {
        JsonNode t = node.get("type");
        if (isAbsent(t) || !t.isTextual()) {
            throw malformed(where + " has no \"type\"");
        }
        return t.asText();
    }

    /**
     * A {@code {"String": "..."}} or {@code {"Regex": "..."}} pattern as a Java regex. Regexes use
     * Oniguruma syntax in Hugging Face; the ones in use (\p{L}, \p{N}, (?i:...), lookahead) mean the
     * same in java.util.regex once \s and case folding are made Unicode-aware.
     */
    static Pattern pattern(JsonNode node, String where) {
        if (isAbsent(node)) {
            throw malformed(where + " has no pattern");
        }
        if (node.has("String")) {
            return Pattern.compile(Pattern.quote(node.get("String").asText()));
        }
        if (node.has("Regex")) {
            String regex = node.get("Regex").asText();
            try {
                return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw new EngineException.TokenizerMismatch("tokenizer.json: " + where + " regex " + regex
                        + " is not supported by java.util.regex: " + e.getDescription());
            }
        }
        throw malformed(where + " pattern must be {\"String\": ...} or {\"Regex\": ...}, got " + node);
    }

    static EngineException malformed(String message) {
        return new EngineException.TokenizerMismatch("tokenizer.json: " + message);
    }

    static EngineException unsupported(String what, String type) {
        return new EngineException.TokenizerMismatch("tokenizer.json: " + what + " of type " + type
                + " is not supported (supported: byte-level and metaspace BPE as used by GPT-2, Llama, Qwen2, SmolLM)");
    }
}
