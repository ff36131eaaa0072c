package dev.refinery.inference.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which captured answer with which feedback becomes which training example (plain logic, no store):
 * <ul>
 *     <li>SFT: an answer with a correction gives the conversation with the correction as the assistant's turn; one without
 *     a correction but with a thumbs up or a rating of 4 or 5 gives the conversation with the answer as it was.</li>
 *     <li>Preference: an answer with a correction that was not rated well (no thumbs up, no rating of 4 or 5) gives the
 *     correction preferred to the answer; among the rated answers to one prompt, the best-scored is preferred to each one
 *     scored lower (score: the rating, else 4 for a thumbs up and 2 for a thumbs down).</li>
 * </ul>
 * A {@code developer} message is written as {@code system}, the role every training target knows.
 */
public final class ExportExamples {

    private ExportExamples() {
    }

    /** A captured answer and its feedback, as export reads them. */
    public record Rated(String id, String messages, String output, Integer rating, String thumbs, String correction) {

        boolean ratedWell() {
            return "up".equals(thumbs) || (rating != null && rating >= 4);
        }

        boolean rated() {
            return rating != null || thumbs != null;
        }

        int score() {
            return rating != null ? rating : "up".equals(thumbs) ? 4 : 2;
        }
    }

    public static Optional<ObjectNode> sft(ObjectMapper json, Rated r) {
        String answer = r.correction() != null ? r.correction() : r.ratedWell() ? r.output() : null;
        if (answer == null) {
            return Optional.empty();
        }
        ObjectNode line = json.createObjectNode();
        ArrayNode messages = conversation(json, r.messages());
        messages.add(assistant(json, answer));
        line.set("messages", messages);
        return Optional.of(line);
    }

    /** The pair a correction makes, if it makes one. */
    public static Optional<ObjectNode> corrected(ObjectMapper json, Rated r) {
        if (r.correction() == null || r.ratedWell() || r.correction().equals(r.output())) {
            return Optional.empty();
        }
        return Optional.of(pair(json, r.messages(), r.correction(), r.output()));
    }

    /** The pairs the rated answers to one prompt make: the best-scored preferred to each scored lower. */
    public static List<ObjectNode> ranked(ObjectMapper json, List<Rated> samePrompt) {
        List<Rated> rated = samePrompt.stream().filter(Rated::rated).toList();
        Optional<Rated> best = rated.stream().max(Comparator.comparingInt(Rated::score));
        List<ObjectNode> out = new ArrayList<>();
        if (best.isEmpty()) {
            return out;
        }
        for (Rated other : rated) {
            if (other.score() < best.get().score() && !other.output().equals(best.get().output())) {
                out.add(pair(json, best.get().messages(), best.get().output(), other.output()));
            }
        }
        return out;
    }

    private static ObjectNode pair(ObjectMapper json, String messages, String preferred, String nonPreferred) {
        ObjectNode line = json.createObjectNode();
        line.putObject("input").set("messages", conversation(json, messages));
        line.putArray("preferred_output").add(assistant(json, preferred));
        line.putArray("non_preferred_output").add(assistant(json, nonPreferred));
        return line;
    }

    private static ArrayNode conversation(ObjectMapper json, String messages) {
        ArrayNode out = json.createArrayNode();
        try {
            for (JsonNode m : json.readTree(messages)) {
                String role = m.path("role").asText();
                out.addObject().put("role", role.equals("developer") ? "system" : role).put("content", m.path("content").asText());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored messages are not JSON", e);
        }
        return out;
    }

    private static ObjectNode assistant(ObjectMapper json, String content) {
        ObjectNode m = json.createObjectNode();
        m.put("role", "assistant");
        m.put("content", content);
        return m;
    }
}
