package dev.refinery.datasets.format;

import dev.refinery.datasets.json.JsonTape;
import dev.refinery.datasets.rules.Rule;


/**
 * Checks a list of chat messages: each message's role, content (a string or a list of text and image
 * parts), weight, tool calls and tool results, then the order of the turns. Reports every faulty
 * message, and the first break in the order (later breaks usually follow from the first).
 */
final class MessageListChecker {

    enum Mode {
        /** An SFT conversation: needs an assistant turn. */
        CONVERSATION,
        /** A preference record's input: no assistant turn needed, and the last turn must not be the assistant's. */
        PREFERENCE_INPUT,
        /** A preference record's output: exactly one assistant message. */
        PREFERENCE_OUTPUT
    }

    private final RecordChecker record;
    private final ContentChecker contents;

    MessageListChecker(RecordChecker record, ContentChecker contents) {
        this.record = record;
        this.contents = contents;
    }

    void check(JsonTape tape, int list, String path, Mode mode) {
        if (list < 0 || tape.kind(list) != JsonTape.ARRAY) {
            record.error(Rule.MESSAGES_MISSING, path, list < 0 ? "the record has no \"" + path + "\" array"
                    : "\"" + path + "\" must be an array, found " + tape.describe(list));
            return;
        }
        if (tape.size(list) == 0) {
            record.error(Rule.MESSAGES_EMPTY, path, "\"" + path + "\" is an empty array");
            return;
        }
        RecordFeatures features = record.featuresForUpdate();
        int strings = 0;
        int lists = 0;
        boolean assistantSeen = false;
        boolean orderChecked = false;
        Role previous = null;
        boolean previousCalledTools = false;
        Role last = null;
        int i = 0;
        for (int m = tape.first(list); m >= 0; m = tape.next(m), i++) {
            MessagePath at = new MessagePath(path, i);
            if (tape.kind(m) != JsonTape.OBJECT) {
                record.error(Rule.MESSAGE_NOT_OBJECT, at.toString(), at + " is " + tape.describe(m) + ", not an object with \"role\" and \"content\"");
                orderChecked = true; // the order of a list with holes means nothing
                last = null;
                continue;
            }
            record.unknownKeys(tape, m, at, NormalizedWriter.MESSAGE_KEYS);
            Role role = role(tape, m, at);
            int toolCalls = tape.get(m, Keys.TOOL_CALLS);
            boolean callsTools = toolCalls >= 0 && tape.kind(toolCalls) != JsonTape.NULL;
            int content = tape.get(m, Keys.CONTENT);
            int kind = content(tape, m, content, role, callsTools, at);
            if (kind == JsonTape.STRING) {
                strings++;
            } else if (kind == JsonTape.ARRAY) {
                lists++;
            }
            boolean trained = weight(tape, m, role, at);
            if (callsTools) {
                checkToolCalls(tape, toolCalls, role, at);
            }
            if (role == Role.TOOL && !tape.isString(tape.get(m, Keys.TOOL_CALL_ID))) {
                record.error(Rule.TOOL_CALL_INVALID, at + ".tool_call_id", at + " is a tool result without a \"tool_call_id\" string");
            }
            if (mode == Mode.PREFERENCE_OUTPUT && role != null && role != Role.ASSISTANT) {
                record.error(Rule.PREFERENCE_INVALID, at + ".role", at + " must be an assistant message, found role \"" + role.id() + "\"");
            }
            if (role == null) {
                orderChecked = true;
                last = null;
                continue;
            }
            features.roles |= role.bit();
            if (role == Role.ASSISTANT) {
                assistantSeen = true;
                if (mode != Mode.PREFERENCE_OUTPUT) {
                    record.markPrompt();
                }
            }
            boolean trainedTurn = role == Role.ASSISTANT && trained && mode != Mode.PREFERENCE_INPUT;
            record.turn(tape, role.id(), content, trainedTurn);
            if (callsTools) {
                record.toolCalls(tape, toolCalls);
            }
            record.endTurn();
            if (trainedTurn && kind != 0 && !callsTools) {
                record.answer(tape, content, at + ".content");
            }
            if (!orderChecked && mode != Mode.PREFERENCE_OUTPUT) {
                String problem = orderProblem(previous, previousCalledTools, role, i);
                if (problem != null) {
                    record.error(Rule.ROLE_ORDER, at + ".role", problem);
                    orderChecked = true;
                }
            }
            features.repeatedRole |= role == previous;
            previous = role;
            previousCalledTools = callsTools;
            last = role;
        }
        if (strings > 0 && lists > 0) {
            record.error(Rule.CONTENT_MIXED, path, "the record mixes string contents (" + strings + ") and lists of parts (" + lists + ")");
        }
        if (mode == Mode.CONVERSATION && !assistantSeen && !orderChecked) {
            record.error(Rule.NO_ASSISTANT_TURN, path, "the conversation has no \"assistant\" message");
        }
        if (mode == Mode.PREFERENCE_INPUT && last == Role.ASSISTANT) {
            record.error(Rule.PREFERENCE_INVALID, path, "the input's last message is the assistant's; the outputs are the assistant's answer to it");
        }
    }

    private Role role(JsonTape tape, int message, MessagePath at) {
        int node = tape.get(message, Keys.ROLE);
        if (node < 0) {
            record.error(Rule.ROLE_UNKNOWN, at + ".role", at + " has no \"role\"");
            return null;
        }
        if (tape.kind(node) == JsonTape.STRING) {
            for (Role r : Role.ALL) {
                if (tape.stringEquals(node, r.bytes())) {
                    return r;
                }
            }
        }
        record.error(Rule.ROLE_UNKNOWN, at + ".role", "role " + tape.excerpt(node, 40)
                + " is not one of \"system\", \"user\", \"assistant\", \"tool\"");
        return null;
    }

    /** Checks the content; returns its JSON kind when usable (STRING or ARRAY), else 0. */
    private int content(JsonTape tape, int message, int content, Role role, boolean callsTools, MessagePath at) {
        if (content < 0 || tape.kind(content) == JsonTape.NULL) {
            if (callsTools) {
                return 0; // an assistant turn that only calls tools needs no text
            }
            record.error(Rule.CONTENT_NOT_STRING, at + ".content", at + (content < 0 ? " has no \"content\"" : ".content is null"));
            return 0;
        }
        int kind = tape.kind(content);
        if (kind != JsonTape.STRING && kind != JsonTape.ARRAY) {
            record.error(Rule.CONTENT_NOT_STRING, at + ".content", at + ".content must be a string or a list of parts, found "
                    + tape.describe(content) + " (" + tape.excerpt(content, 30) + ")");
            return 0;
        }
        if (kind == JsonTape.ARRAY && tape.size(content) == 0 && callsTools) {
            return 0; // no parts beside tool calls: as good as no content
        }
        int checked = contents.check(tape, content, role, at + ".content");
        if (contents.imagesInLastContent() > 0) {
            int weight = tape.get(message, Keys.WEIGHT);
            if (weight >= 0 && tape.isIntegral(weight) && tape.longValue(weight) != 0) {
                record.error(Rule.IMAGE_INVALID, at + ".weight", at + " holds images, so its weight must be 0");
            }
        }
        return checked;
    }

    /** Checks weight; returns whether the turn is trained on (no weight, or weight 1). */
    private boolean weight(JsonTape tape, int message, Role role, MessagePath at) {
        int weight = tape.get(message, Keys.WEIGHT);
        if (weight < 0) {
            return true;
        }
        record.featuresForUpdate().weights = true;
        if (!tape.isIntegral(weight) || (tape.longValue(weight) != 0 && tape.longValue(weight) != 1)) {
            record.error(Rule.WEIGHT_INVALID, at + ".weight", "weight must be the integer 0 or 1, found " + tape.excerpt(weight, 20));
            return true;
        }
        if (role != null && role != Role.ASSISTANT) {
            record.error(Rule.WEIGHT_INVALID, at + ".weight", "weight is only for assistant messages; " + at + " is " + role.withArticle() + " message");
        }
        return tape.longValue(weight) == 1;
    }

    private void checkToolCalls(JsonTape tape, int calls, Role role, MessagePath at) {
        RecordFeatures features = record.featuresForUpdate();
        features.toolCalls = true;
        if (role != null && role != Role.ASSISTANT) {
            record.error(Rule.TOOL_CALL_INVALID, at + ".tool_calls", "only assistant messages call tools; " + at + " is " + role.withArticle() + " message");
            return;
        }
        if (tape.kind(calls) != JsonTape.ARRAY || tape.size(calls) == 0) {
            record.error(Rule.TOOL_CALL_INVALID, at + ".tool_calls", at + ".tool_calls must be a non-empty array, found " + tape.describe(calls));
            return;
        }
        int k = 0;
        for (int c = tape.first(calls); c >= 0; c = tape.next(c), k++) {
            String callPath = at + ".tool_calls[" + k + "]";
            int function = tape.kind(c) == JsonTape.OBJECT ? tape.get(c, Keys.FUNCTION) : -1;
            boolean isObject = function >= 0 && tape.kind(function) == JsonTape.OBJECT;
            if (!isObject || !tape.isString(tape.get(function, Keys.NAME))) {
                record.error(Rule.TOOL_CALL_INVALID, callPath + ".function.name", callPath + " needs \"function\": {\"name\": \"...\", \"arguments\": \"...\"}");
            } else if (!tape.isString(tape.get(function, Keys.ARGUMENTS))) {
                record.error(Rule.TOOL_CALL_INVALID, callPath + ".function.arguments",
                        callPath + ".function.arguments must be a string holding JSON, found " + tape.describe(tape.get(function, Keys.ARGUMENTS)));
            }
        }
    }

    /**
     * An optional system message first; then user and assistant alternate, starting with user; an
     * assistant turn that calls tools is followed by one or more tool results, then the assistant again.
     */
    private static String orderProblem(Role previous, boolean previousCalledTools, Role role, int index) {
        if (previous == null) {
            return role == Role.SYSTEM || role == Role.USER ? null
                    : "the conversation starts with " + role.withArticle() + " message; it must start with system or user";
        }
        Role expected = switch (previous) {
            case SYSTEM, TOOL -> null;
            case USER -> Role.ASSISTANT;
            case ASSISTANT -> previousCalledTools ? Role.TOOL : Role.USER;
        };
        boolean ok = switch (previous) {
            case SYSTEM -> role == Role.USER;
            case USER -> role == Role.ASSISTANT;
            case ASSISTANT -> previousCalledTools ? role == Role.TOOL : role == Role.USER;
            case TOOL -> role == Role.TOOL || role == Role.ASSISTANT;
        };
        if (ok) {
            return null;
        }
        String wanted = expected != null ? expected.id() : previous == Role.SYSTEM ? "user" : "tool or assistant";
        return "message " + index + " is " + role.withArticle() + " message after " + previous.withArticle() + " message; expected " + wanted;
    }
}
