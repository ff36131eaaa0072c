package dev.refinery.eval.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.problem.ApiException;

import java.util.List;

/** The stop sequences of an evaluation's fixed decoding: checked when asked for, stored as a JSON array. */
public final class StopSequences {

    /** OpenAI's limit; the other APIs take as many. */
    public static final int MAX = 4;
    private static final int MAX_LENGTH = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private StopSequences() {
    }

    /** @throws ApiException 400 {@code EVAL_STOP_INVALID} naming the entry */
    public static List<String> require(List<String> stop) {
        if (stop == null) {
            return List.of();
        }
        if (stop.size() > MAX) {
            throw ApiException.badRequest("EVAL_STOP_INVALID", "at most " + MAX + " stop sequences, got " + stop.size()).with("field", "stop");
        }
        for (int i = 0; i < stop.size(); i++) {
            String s = stop.get(i);
            if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
                throw ApiException.badRequest("EVAL_STOP_INVALID", "a stop sequence is 1 to " + MAX_LENGTH + " characters")
                        .with("field", "stop[" + i + "]");
            }
        }
        return List.copyOf(stop);
    }

    public static String toJson(List<String> stop) {
        try {
            return stop.isEmpty() ? null : JSON.writeValueAsString(stop);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> fromJson(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored stop sequences are not a JSON array of strings: " + json, e);
        }
    }
}
