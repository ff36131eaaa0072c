package dev.refinery.inference.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.inference.openai.OpenAiException;

/**
 * What an operator's server's failures become for the caller: its own refusals of the request pass on as they are; its
 * failures are 502 with the server's code and message (never its key), and a server that cannot be reached is 502
 * {@code upstream_unreachable}.
 */
final class ServerErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT = 300;

    private ServerErrors() {
    }

    static OpenAiException unreachable(String server, Exception e) {
        return new OpenAiException(502, "server_error", "upstream_unreachable", null, "The inference server " + server
                + " cannot be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null);
    }

    static OpenAiException failed(String server, int status, String body) {
        String code = "upstream_error";
        String message = excerpt(body);
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isObject()) {
                message = error.path("message").asText(message);
                if (error.hasNonNull("code")) {
                    message = "[" + error.get("code").asText() + "] " + message;
                }
            }
        } catch (Exception ignored) {
            // not JSON: the excerpt says what it said
        }
        return new OpenAiException(502, "server_error", code, null, "The inference server " + server + " failed (HTTP " + status + "): "
                + message, null);
    }

    static String excerpt(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > EXCERPT ? text.substring(0, EXCERPT) + "..." : text;
    }
}
