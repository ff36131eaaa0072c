package dev.refinery.datasets.format;

import dev.refinery.datasets.json.JsonLineParser;
import dev.refinery.datasets.json.JsonTape;

import java.util.Arrays;

/**
 * Reads the common chosen/rejected spelling of preference data as the canonical
 * {@code input / preferred_output / non_preferred_output} record, so one set of rules checks both and
 * the validated output is always canonical. Two shapes are accepted: a {@code prompt} (string or
 * messages) with {@code chosen} and {@code rejected} answers (string or one assistant message), and
 * {@code chosen} and {@code rejected} as whole conversations that share all but their last message.
 * Strings and messages are copied byte for byte into the canonical JSON.
 */
final class ChosenRejected {

    private final JsonLineParser parser;
    private final ByteBuilder out = new ByteBuilder();
    private String problem;
    private String problemPath;

    ChosenRejected(JsonLineParser parser) {
        this.parser = parser;
    }

    /** The canonical record's tape, or null with {@link #problem()} set. Valid until the next call. */
    JsonTape convert(JsonTape tape) {
        out.clear();
        problem = null;
        int prompt = tape.get(0, Keys.PROMPT);
        int chosen = tape.get(0, Keys.CHOSEN);
        int rejected = tape.get(0, Keys.REJECTED);
        if (chosen < 0 || rejected < 0) {
            return fail(chosen < 0 ? "chosen" : "rejected", "a chosen/rejected record needs both \"chosen\" and \"rejected\"");
        }
        byte[] src = tape.source();
        out.append("{\"input\":{\"messages\":");
        if (prompt >= 0) {
            if (tape.kind(prompt) == JsonTape.STRING) {
                out.append("[{\"role\":\"user\",\"content\":").append(src, tape.textStart(prompt), tape.textEnd(prompt)).append("}]");
            } else if (tape.kind(prompt) == JsonTape.ARRAY) {
                out.append(src, tape.textStart(prompt), tape.textEnd(prompt));
            } else {
                return fail("prompt", "\"prompt\" must be a string or a list of messages, found " + tape.describe(prompt));
            }
            out.append("},\"preferred_output\":");
            if (!answer(tape, chosen, "chosen")) {
                return null;
            }
            out.append(",\"non_preferred_output\":");
            if (!answer(tape, rejected, "rejected")) {
                return null;
            }
        } else if (!sharedConversation(tape, chosen, rejected)) {
            return null;
        }
        out.append('}');
        JsonTape converted = parser.parse(out.array(), 0, out.length());
        if (converted == null) {
            return fail("", "the chosen/rejected record could not be read as preference data: " + parser.problem().message());
        }
        return converted;
    }

    private boolean answer(JsonTape tape, int node, String name) {
        byte[] src = tape.source();
        if (tape.kind(node) == JsonTape.STRING) {
            out.append("[{\"role\":\"assistant\",\"content\":").append(src, tape.textStart(node), tape.textEnd(node)).append("}]");
            return true;
        }
        if (tape.kind(node) == JsonTape.ARRAY) {
            out.append(src, tape.textStart(node), tape.textEnd(node));
            return true;
        }
        fail(name, "\"" + name + "\" must be a string or a list with one assistant message, found " + tape.describe(node));
        return false;
    }

    /** chosen and rejected as whole conversations: the shared prefix is the input, the last messages the outputs. */
    private boolean sharedConversation(JsonTape tape, int chosen, int rejected) {
        if (tape.kind(chosen) != JsonTape.ARRAY || tape.kind(rejected) != JsonTape.ARRAY) {
            fail("chosen", "without a \"prompt\", \"chosen\" and \"rejected\" must both be conversations (lists of messages)");
            return false;
        }
        int n = tape.size(chosen);
        if (n < 2 || n != tape.size(rejected)) {
            fail("rejected", "\"chosen\" and \"rejected\" must have the same messages except the last (found " + n + " and "
                    + tape.size(rejected) + " messages)");
            return false;
        }
        byte[] src = tape.source();
        out.append('[');
        int c = tape.first(chosen);
        int r = tape.first(rejected);
        for (int i = 0; i < n - 1; i++, c = tape.next(c), r = tape.next(r)) {
            if (!Arrays.equals(src, tape.textStart(c), tape.textEnd(c), src, tape.textStart(r), tape.textEnd(r))) {
                fail("rejected[" + i + "]", "\"chosen\" and \"rejected\" differ at message " + i
                        + "; only their last (assistant) message may differ");
                return false;
            }
            if (i > 0) {
                out.append(',');
            }
            out.append(src, tape.textStart(c), tape.textEnd(c));
        }
        out.append("]},\"preferred_output\":[").append(src, tape.textStart(c), tape.textEnd(c))
                .append("],\"non_preferred_output\":[").append(src, tape.textStart(r), tape.textEnd(r)).append(']');
        return true;
    }

    private JsonTape fail(String path, String message) {
        problemPath = path;
        problem = message;
        return null;
    }

    String problem() {
        return problem;
    }

    String problemPath() {
        return problemPath;
    }
}
