package dev.refinery.providers.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads provider responses the way their own SDKs failed to (together-python #246, openai-scala-client #80):
 * every field optional, names tried in several casings, numbers accepted as JSON numbers or strings
 * (Fireworks sends int64 as strings), times as ISO-8601 strings or Unix seconds.
 */
public final class LenientJson {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private LenientJson() {
    }

    /** The first of {@code names} present and not null, or null. */
    public static JsonNode field(JsonNode node, String... names) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (String name : names) {
            JsonNode v = node.get(name);
            if (v != null && !v.isNull() && !v.isMissingNode()) {
                return v;
            }
        }
        return null;
    }

    public static String text(JsonNode node, String... names) {
        JsonNode v = field(node, names);
        if (v == null || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    public static Long longValue(JsonNode node, String... names) {
        JsonNode v = field(node, names);
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.asText().trim()).longValue();
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    public static Double doubleValue(JsonNode node, String... names) {
        JsonNode v = field(node, names);
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** ISO-8601 / RFC-3339 text, Unix seconds as a number, or Unix seconds as text. */
    public static Instant instant(JsonNode node, String... names) {
        JsonNode v = field(node, names);
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return Instant.ofEpochSecond(v.asLong());
        }
        String s = v.asText().trim();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // fall through: some servers omit the zone, others send seconds as text
        }
        try {
            return java.time.LocalDateTime.parse(s).toInstant(java.time.ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // fall through
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
