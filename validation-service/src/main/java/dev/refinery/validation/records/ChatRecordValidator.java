package dev.refinery.validation.records;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks one line of a chat JSONL dataset (the OpenAI / Together shape:
 * {@code {"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}})
 * and returns every problem it finds in it, not just the first: a user fixing a file should see all
 * of a record's faults at once. An empty list means the record is valid.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChatRecordValidator {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final int MAX_QUOTED = 40;
    private static final int MAX_MESSAGE = 300;

    // A line holding two JSON values ("{...} {...}") is not one record.
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Validates {@code length} bytes of {@code line} from {@code offset} (the line without its newline). */
    public List<RecordProblem> validate(byte[] line, int offset, int length) {
        Utf8 decoded = Utf8.decode(line, offset, length);
        if (decoded.text() == null) {
            return List.of(new RecordProblem(Rule.LINE_NOT_UTF8, "",
                    "the line is not valid UTF-8: bad byte sequence at byte " + (decoded.badByte() + 1) + " of the line"));
        }
        String text = decoded.text();
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            return List.of(new RecordProblem(Rule.LINE_NOT_JSON, "", notJsonMessage(e)));
        }
        if (root == null || !root.isObject()) {
            return List.of(new RecordProblem(Rule.LINE_NOT_OBJECT, "",
                    "the line is a JSON " + kind(root) + ", not an object"));
        }
        return validateRecord(root);
    }

    public List<RecordProblem> validate(byte[] line) {
        return validate(line, 0, line.length);
    }

    private List<RecordProblem> validateRecord(JsonNode record) {
        JsonNode messages = record.get("messages");
        if (messages == null || messages.isNull()) {
            return List.of(new RecordProblem(Rule.MESSAGES_MISSING, "messages", "the record has no \"messages\" field"));
        }
        if (!messages.isArray()) {
            return List.of(new RecordProblem(Rule.MESSAGES_MISSING, "messages",
                    "\"messages\" must be an array, found a " + kind(messages)));
        }
        if (messages.isEmpty()) {
            return List.of(new RecordProblem(Rule.MESSAGES_EMPTY, "messages", "\"messages\" is an empty array"));
        }
        List<RecordProblem> problems = new ArrayList<>();
        List<String> roles = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            roles.add(checkMessage(messages.get(i), "messages[" + i + "]", problems));
        }
        if (!roles.contains(null)) {
            checkOrder(roles, problems);
        }
        if (!roles.contains("assistant")) {
            problems.add(new RecordProblem(Rule.NO_ASSISTANT_TURN, "messages",
                    "the conversation has no \"assistant\" message"));
        }
        return problems;
    }

    /** Checks one message and returns its role, or null when the role is not one of the known ones. */
    private String checkMessage(JsonNode message, String path, List<RecordProblem> problems) {
        if (!message.isObject()) {
            problems.add(new RecordProblem(Rule.MESSAGE_NOT_OBJECT, path, path + " is a " + kind(message) + ", not an object"));
            return null;
        }
        String role = null;
        JsonNode roleNode = message.get("role");
        if (roleNode == null || roleNode.isNull()) {
            problems.add(new RecordProblem(Rule.ROLE_UNKNOWN, path + ".role", path + " has no \"role\""));
        } else if (!roleNode.isTextual() || !ROLES.contains(roleNode.asText())) {
            problems.add(new RecordProblem(Rule.ROLE_UNKNOWN, path + ".role",
                    "role " + quote(roleNode) + " is not one of \"system\", \"user\", \"assistant\""));
        } else {
            role = roleNode.asText();
        }
        JsonNode content = message.get("content");
        if (content == null) {
            problems.add(new RecordProblem(Rule.CONTENT_NOT_STRING, path + ".content", path + " has no \"content\""));
        } else if (!content.isTextual()) {
            problems.add(new RecordProblem(Rule.CONTENT_NOT_STRING, path + ".content",
                    "content must be a string, found a " + kind(content)));
        }
        return role;
    }

    /** An optional system message first, then user and assistant alternating, starting with user. Reports the first break. */
    private static void checkOrder(List<String> roles, List<RecordProblem> problems) {
        int first = "system".equals(roles.get(0)) ? 1 : 0;
        for (int i = first; i < roles.size(); i++) {
            String expected = (i - first) % 2 == 0 ? "user" : "assistant";
            String found = roles.get(i);
            if (!expected.equals(found)) {
                String why = "system".equals(found)
                        ? "a \"system\" message may only be the first message"
                        : "expected \"" + expected + "\" " + (i == first ? "as the first turn" : "after \"" + roles.get(i - 1) + "\"")
                        + " but found \"" + found + "\"";
                problems.add(new RecordProblem(Rule.ROLE_ORDER, "messages[" + i + "].role", why));
                return;
            }
        }
    }

    /** A line as text, or (text null) the 0-based index of its first byte that is not UTF-8. */
    private record Utf8(String text, int badByte) {

        static Utf8 decode(byte[] bytes, int offset, int length) {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
            CharBuffer out = CharBuffer.allocate(length); // UTF-8 never decodes to more chars than bytes
            CoderResult result = decoder.decode(in, out, true); // a sequence cut off at the end is an error too
            if (result.isError()) {
                return new Utf8(null, in.position() - offset);
            }
            decoder.flush(out);
            return new Utf8(out.flip().toString(), -1);
        }
    }

    private static String notJsonMessage(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getColumnNr() < 1 ? "" : " at column " + at.getColumnNr();
        return truncate("the line is not valid JSON" + where + ": " + e.getOriginalMessage(), MAX_MESSAGE);
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String quote(JsonNode value) {
        return truncate(value.toString(), MAX_QUOTED);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
