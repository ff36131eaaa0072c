package dev.refinery.kit.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * JSON of event payloads: ISO-8601 timestamps, unknown fields ignored on read (versioning by
 * addition), so every service reads and writes events the same way.
 */
public final class EventPayloads {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EventPayloads() {
    }

    public static String write(Object payload) {
        try {
            return JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event payload " + payload.getClass().getSimpleName() + " cannot be written as JSON", e);
        }
    }

    /** Parses a payload; a value that is not the expected JSON is a {@link MalformedEventException}. */
    public static <T> T read(String json, Class<T> type) {
        try {
            T value = JSON.readValue(json, type);
            if (value == null) {
                throw new MalformedEventException("empty " + type.getSimpleName() + " payload");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("payload is not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
