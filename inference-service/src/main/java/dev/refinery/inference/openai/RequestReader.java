package dev.refinery.inference.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields OpenAI's chat completions and completions requests share, read one way for both: the model, the decoding
 * settings, the stream; and the one rule for parameters this server cannot honour (refused, naming them, rather than
 * silently dropped). Every refusal is a 400 in OpenAI's error shape with the field in {@code param}.
 */
final class RequestReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STOP = 4;
    private static final int MAX_MODEL_NAME = 300;
    /** Both requests' fields this server reads. */
    static final Set<String> SHARED = Set.of("model", "max_tokens", "temperature", "top_p", "seed", "stop", "stream", "stream_options", "n");
    /** Accepted and without effect: they label a request or ask for what this server does anyway. */
    static final Set<String> IGNORED = Set.of("user", "metadata", "store", "service_tier", "parallel_tool_calls");
    /** Ask for what this server does not do. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("tools", "tool calls"), Map.entry("tool_choice", "tool calls"), Map.entry("functions", "function calls"),
            Map.entry("function_call", "function calls"), Map.entry("logprobs", "log-probabilities"),
            Map.entry("top_logprobs", "log-probabilities"), Map.entry("logit_bias", "logit bias"),
            Map.entry("response_format", "structured output"), Map.entry("audio", "audio"), Map.entry("modalities", "other modalities"),
            Map.entry("prediction", "predicted outputs"), Map.entry("presence_penalty", "presence penalties"),
            Map.entry("frequency_penalty", "frequency penalties"), Map.entry("reasoning_effort", "reasoning effort"),
            Map.entry("web_search_options", "web search"), Map.entry("echo", "echoing the prompt"), Map.entry("suffix", "suffixes"),
            Map.entry("best_of", "best-of sampling"));

    private final JsonNode root;

    private RequestReader(JsonNode root) {
        this.root = root;
    }

    /** The body as a JSON object, with every field either known ({@link #SHARED} or {@code own}), ignored, or refused. */
    static RequestReader of(String body, Set<String> own) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw OpenAiException.invalid("invalid_json", null, "The request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw OpenAiException.invalid("invalid_json", null, "The request body must be a JSON object.");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            JsonNode value = root.get(field);
            if (SHARED.contains(field) || own.contains(field) || IGNORED.contains(field) || value.isNull() || harmless(field, value)) {
                continue;
            }
            String what = UNSUPPORTED.get(field);
            throw OpenAiException.invalid("unsupported_parameter", field, what != null
                    ? "This server does not support " + what + ": leave out '" + field + "'."
                    : "Unknown parameter '" + field + "'.");
        }
        return new RequestReader(root);
    }

    JsonNode get(String field) {
        return root.get(field);
    }

    String model() {
        String model = text(root, "model");
        if (model == null || model.isBlank()) {
            throw OpenAiException.invalid("missing_model", "model", "Name the model: a version (mv-...), a job (ft-...), an alias such as "
                    + "champion, or a base model (GET /v1/models lists them).");
        }
        if (model.length() > MAX_MODEL_NAME || model.chars().anyMatch(Character::isISOControl)) {
            throw OpenAiException.invalid("invalid_value", "model", "model is a name of 1 to " + MAX_MODEL_NAME + " printable characters.");
        }
        return model.strip();
    }

    /** The decoding settings; {@code maxTokensField} is where the request says how long an answer may be. */
    Sampling sampling(String maxTokensField, Integer defaultMaxTokens) {
        Integer maxTokens = positiveInt(root, maxTokensField);
        double temperature = number(root, "temperature", 1.0, 0, 2);
        double topP = number(root, "top_p", 1.0, 0, 1);
        Long seed = root.hasNonNull("seed") ? integer(root, "seed") : null;
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw OpenAiException.invalid("unsupported_value", "n", "This server answers with one choice per request: n must be 1.");
        }
        boolean stream = bool(root, "stream");
        JsonNode options = root.get("stream_options");
        boolean includeUsage = options != null && options.isObject() && options.path("include_usage").asBoolean(false);
        if (options != null && !options.isNull() && !stream) {
            throw OpenAiException.invalid("invalid_value", "stream_options", "stream_options applies only when stream is true.");
        }
        return new Sampling(maxTokens != null ? maxTokens : defaultMaxTokens, temperature, topP, seed, stop(root.get("stop")), stream,
                includeUsage);
    }

    static boolean harmless(String field, JsonNode value) {
        return switch (field) {
            case "presence_penalty", "frequency_penalty" -> value.isNumber() && value.asDouble() == 0;
            case "logprobs" -> value.isBoolean() && !value.asBoolean();
            case "response_format" -> "text".equals(value.path("type").asText());
            case "tools", "functions" -> value.isArray() && value.isEmpty();
            case "tool_choice" -> "none".equals(value.asText());
            default -> false;
        };
    }
    static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> stop = new ArrayList<>();
        if (node.isTextual()) {
            stop.add(node.asText());
        } else if (node.isArray() && node.size() <= MAX_STOP) {
            for (JsonNode s : node) {
                if (!s.isTextual()) {
                    throw OpenAiException.invalid("invalid_value", "stop", "stop must be a string or an array of up to 4 strings.");
                }
                stop.add(s.asText());
            }
        } else {
            throw OpenAiException.invalid("invalid_value", "stop", "stop must be a string or an array of up to 4 strings.");
        }
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw OpenAiException.invalid("invalid_value", "stop", "A stop sequence must not be empty.");
        }
        return List.copyOf(stop);
    }
    static String text(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw OpenAiException.invalid("invalid_type", field, field + " must be a string.");
        }
        return v.asText();
    }
    static Integer positiveInt(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw OpenAiException.invalid("invalid_value", field, field + " must be a positive integer, got " + v + ".");
        }
        return v.asInt();
    }
    static long integer(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw OpenAiException.invalid("invalid_value", field, field + " must be an integer, got " + v + ".");
        }
        return v.asLong();
    }
    static double number(JsonNode root, String field, double absent, double min, double max) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw OpenAiException.invalid("invalid_value", field, field + " must be a number from " + min + " to " + max + ", got " + v + ".");
        }
        return v.asDouble();
    }
    static boolean bool(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw OpenAiException.invalid("invalid_type", field, field + " must be true or false.");
        }
        return v.asBoolean();
    }
}
