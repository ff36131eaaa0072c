package dev.refinery.providers.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.providers.spi.JobError;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The trainer's JSON lines ({@code {"event": "progress" | "validation" | "started" | "completed" | "error", ...}})
 * read from a pod log, a metrics file or a termination message. Anything else on those streams (library
 * warnings) is skipped: only lines that are JSON objects with an "event" or a "kind" count.
 */
final class TrainerLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line and its position in the stream it came from. */
    record Line(int index, JsonNode body) {

        String event() {
            return body.path("event").asText(body.path("kind").asText(""));
        }

        Instant time() {
            String text = body.path("time").asText(null);
            if (text == null) {
                return null;
            }
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    private TrainerLog() {
    }

    static List<Line> parse(String text) {
        List<Line> lines = new ArrayList<>();
        if (text == null) {
            return lines;
        }
        String[] raw = text.split("\n");
        for (int i = 0; i < raw.length; i++) {
            readObject(raw[i]).ifPresent(body -> lines.add(new Line(lines.size(), body)));
        }
        return lines;
    }

    static Optional<JsonNode> readObject(String line) {
        String trimmed = line == null ? "" : line.trim();
        if (!trimmed.startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(trimmed);
            return node.isObject() && (node.has("event") || node.has("kind")) ? Optional.of(node) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** Any JSON object (result.json has neither "event" nor "kind"). */
    static Optional<JsonNode> readObjectAny(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    static Optional<TrainerProgress> lastProgress(List<Line> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Line line = lines.get(i);
            if (line.event().equals("progress") || line.event().equals("train")) {
                return Optional.of(progress(line.body()));
            }
        }
        return Optional.empty();
    }

    static TrainerProgress progress(JsonNode n) {
        return new TrainerProgress(n.path("step").asLong(), longOrNull(n, "totalSteps"), doubleOrNull(n, "epoch"),
                doubleOrNull(n, "loss"), doubleOrNull(n, "learningRate"), longOrNull(n, "tokens"),
                doubleOrNull(n, "tokensPerSecond"), doubleOrNull(n, "etaSeconds"));
    }

    /** The trainer's error line as a job error: its stable code, its message and the field it blamed. */
    static JobError error(JsonNode n) {
        String field = n.path("where").path("field").asText(null);
        if (field == null && n.path("where").path("violations").isArray() && !n.path("where").path("violations").isEmpty()) {
            field = n.path("where").path("violations").get(0).path("field").asText(null);
        }
        return new JobError(n.path("code").asText("TRAINER_FAILED"), n.path("message").asText(""), field);
    }

    static Long longOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asLong() : null;
    }

    static Double doubleOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asDouble() : null;
    }
}
