package dev.refinery.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** Request bodies from the options given: fields in the order named, those left out (null) not sent. */
final class Bodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Bodies() {
    }

    /** {@code name, value, name, value, ...}; a null value leaves its field out. */
    static Map<String, Object> of(Object... namesAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                body.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return body;
    }

    /** An option's value that must be JSON (a config, hyperparameters), parsed. */
    static JsonNode json(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(option + " is not JSON: " + e.getOriginalMessage());
        }
    }

    /** The same as a query string ({@code ?a=1&b=x}, values URL-encoded), or "" when nothing is given. */
    static String query(Object... namesAndValues) {
        StringBuilder q = new StringBuilder();
        of(namesAndValues).forEach((k, v) -> q.append(q.length() == 0 ? '?' : '&').append(k).append('=')
                .append(java.net.URLEncoder.encode(String.valueOf(v), java.nio.charset.StandardCharsets.UTF_8)));
        return q.toString();
    }
}
