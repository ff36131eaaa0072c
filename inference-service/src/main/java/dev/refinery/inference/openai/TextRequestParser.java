package dev.refinery.inference.openai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/**
 * Reads an OpenAI text completion request ({@code POST /v1/completions}): a prompt, continued as plain text. The prompt is
 * one string (or an array of exactly one); token arrays and several prompts at once are refused. As OpenAI's, the answer
 * is at most 16 tokens unless {@code max_tokens} says otherwise.
 */
public final class TextRequestParser {

    /** OpenAI's default for this endpoint. */
    static final int DEFAULT_MAX_TOKENS = 16;
    private static final int MAX_PROMPT_CHARS = 1_000_000;
    private static final Set<String> OWN = Set.of("prompt");

    private TextRequestParser() {
    }

    public static TextCompletionRequest parse(String body) {
        RequestReader r = RequestReader.of(body, OWN);
        String model = r.model();
        String prompt = prompt(r.get("prompt"));
        return new TextCompletionRequest(model, prompt, r.sampling("max_tokens", DEFAULT_MAX_TOKENS));
    }

    private static String prompt(JsonNode node) {
        JsonNode p = node != null && node.isArray() && node.size() == 1 ? node.get(0) : node;
        if (p == null || p.isNull()) {
            throw OpenAiException.invalid("missing_prompt", "prompt", "prompt is the text to continue.");
        }
        if (!p.isTextual()) {
            throw OpenAiException.invalid("unsupported_value", "prompt", "prompt must be one string (token arrays and several prompts at "
                    + "once are not supported).");
        }
        if (p.asText().length() > MAX_PROMPT_CHARS) {
            throw OpenAiException.invalid("invalid_value", "prompt", "prompt may have at most " + MAX_PROMPT_CHARS + " characters.");
        }
        return p.asText();
    }
}
