package dev.refinery.inference.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.generate.GenerationResult;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.inference.server.WatchedAnswer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A chat completion a server or a provider gave (OpenAI's shape, whole or as server-sent chunks), read back for capture as
 * the engine's answers are captured: the response id the caller saw, the text, why it ended and the token counts the server
 * reported (0 when a stream carried no usage).
 */
public record ProxiedAnswer(String id, ServingResult result, boolean streamed) {

    /** The longest response id capture keeps (the record's key). */
    private static final int MAX_ID = 64;

    /** What {@code arrived} says; empty when it is not a chat completion (nothing to capture). */
    public static Optional<ProxiedAnswer> read(WatchedAnswer.Arrived arrived, ObjectMapper json) {
        String body = new String(arrived.body(), StandardCharsets.UTF_8).strip();
        Reading r = new Reading();
        try {
            if (body.startsWith("{")) {
                JsonNode root = json.readTree(body);
                r.add(root, "message");
                return r.answer(arrived, false);
            }
            for (String line : body.split("\n")) {
                String data = line.strip();
                if (data.startsWith("data:") && !data.substring(5).strip().equals("[DONE]")) {
                    r.add(json.readTree(data.substring(5).strip()), "delta");
                }
            }
            return r.answer(arrived, true);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not OpenAI's shape: relayed as it was, not captured
        }
    }

    /** The pieces of one answer, as they are read. */
    private static final class Reading {
        private String id;
        private final StringBuilder text = new StringBuilder();
        private String finish;
        private int promptTokens;
        private int completionTokens;
        private boolean sawChoice;

        void add(JsonNode piece, String part) {
            if (id == null && piece.path("id").isTextual()) {
                id = piece.path("id").asText();
            }
            JsonNode choice = piece.path("choices").path(0);
            if (!choice.isMissingNode()) {
                sawChoice = true;
                text.append(choice.path(part).path("content").asText(""));
                if (choice.path("finish_reason").isTextual()) {
                    finish = choice.path("finish_reason").asText();
                }
            }
            JsonNode usage = piece.path("usage");
            if (usage.isObject()) {
                promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
                completionTokens = usage.path("completion_tokens").asInt(completionTokens);
            }
        }

        Optional<ProxiedAnswer> answer(WatchedAnswer.Arrived arrived, boolean streamed) {
            if (id == null || id.isBlank() || id.length() > MAX_ID || !sawChoice) {
                return Optional.empty(); // feedback names an answer by its id: one without a usable id cannot be captured
            }
            GenerationResult.FinishReason reason = "length".equals(finish) ? GenerationResult.FinishReason.LENGTH
                    : GenerationResult.FinishReason.STOP;
            return Optional.of(new ProxiedAnswer(id, new ServingResult(text.toString(), new int[0], reason, promptTokens, completionTokens,
                    arrived.timeToFirstByte(), arrived.duration()), streamed));
        }
    }
}
