package dev.refinery.eval.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Locale;

/**
 * What an error answer says, from whichever shape it came in (providers.md §5.5): OpenAI and Together's
 * {@code {error:{message,type,param,code}}}, Together's bare {@code {message}}, Fireworks' {@code {code:int, message}},
 * or plain text. Only {@link #message()} is shown to people; type and code decide what the failure means.
 */
record ProviderError(String message, String type, String code) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Enough of a body to recognise it; an HTML error page need not be quoted whole. */
    private static final int MAX_MESSAGE = 300;

    static ProviderError parse(String body) {
        String text = body == null ? "" : body.strip();
        if (text.isEmpty()) {
            return new ProviderError("(empty body)", null, null);
        }
        try {
            JsonNode root = JSON.readTree(text);
            JsonNode error = root.path("error");
            if (error.isObject()) {
                return new ProviderError(shorten(textOf(error.get("message"), text)), textOf(error.get("type"), null),
                        textOf(error.get("code"), null));
            }
            if (error.isTextual()) { // some OpenAI-compatible servers answer {"error": "..."}
                return new ProviderError(shorten(error.asText()), null, null);
            }
            if (root.has("message")) {
                return new ProviderError(shorten(textOf(root.get("message"), text)), textOf(root.get("type"), null),
                        textOf(root.get("code"), null));
            }
        } catch (Exception notJson) {
            // text/plain or an HTML page: its text is the message
        }
        return new ProviderError(shorten(text), null, null);
    }

    /** OpenAI's {@code model_not_found} (code or type); Together uses the same words. */
    boolean saysModelNotFound() {
        return "model_not_found".equals(code) || "model_not_found".equals(type)
                || lower(message).contains("model_not_found") || lower(message).contains("does not exist");
    }

    /** Fireworks' way of saying that no deployment serves a model. */
    boolean saysNotDeployed() {
        String text = lower(message);
        return text.contains("not deployed") || text.contains("no deployment") || text.contains("deployment")
                && (text.contains("not found") || text.contains("does not exist") || text.contains("required"));
    }

    private static String textOf(JsonNode node, String fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private static String lower(String text) {
        return text == null ? "" : text.toLowerCase(Locale.ROOT);
    }

    private static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "…";
    }
}
