package dev.refinery.providers.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;

/**
 * The provider's explanation of a failed call, read from every documented shape: {@code {error:{message, type,
 * param, code}}} (Together, OpenAI), a bare {@code {message}} (Together 404s), {@code {code:int, message,
 * details}} (Fireworks, gRPC gateway), a bare string under "error", or text/plain.
 */
public record ErrorBody(String message, String type, String param, String code) {

    private static final int MAX_TEXT = 500;

    public static ErrorBody parse(byte[] body, String contentType) {
        if (body == null || body.length == 0) {
            return new ErrorBody(null, null, null, null);
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        JsonNode root = null;
        if (text.startsWith("{")) {
            try {
                root = LenientJson.MAPPER.readTree(text);
            } catch (Exception e) {
                root = null;
            }
        }
        if (root == null || !root.isObject()) {
            return new ErrorBody(shorten(text), null, null, null);
        }
        JsonNode error = root.get("error");
        if (error != null && error.isObject()) {
            return new ErrorBody(LenientJson.text(error, "message"), LenientJson.text(error, "type"),
                    LenientJson.text(error, "param"), LenientJson.text(error, "code"));
        }
        if (error != null && error.isTextual()) {
            return new ErrorBody(error.asText(), null, null, LenientJson.text(root, "code"));
        }
        return new ErrorBody(LenientJson.text(root, "message", "detail"), LenientJson.text(root, "type", "status"),
                LenientJson.text(root, "param"), LenientJson.text(root, "code"));
    }

    private static String shorten(String text) {
        if (text.isEmpty()) {
            return null;
        }
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }
}
