package dev.refinery.datasets.json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A strict JSON parser for one line, written for the validator's hot path: it checks UTF-8, JSON syntax,
 * nesting depth, duplicate keys and surrogate escapes in one pass over the bytes and fills a
 * {@link JsonTape} without decoding a single string.
 *
 * <p>Two kinds of problems: a <em>fatal</em> one (bad syntax, bad UTF-8, too deep) stops the line, as a
 * broken line has no structure to check further; {@link #parse} returns null and {@link #problem()} says
 * why. A duplicate key or a lone surrogate escape leaves the structure intact, so the line is read to its
 * end, the tape is returned and {@link #readableProblems()} lists them: the record's other problems can
 * still be reported.
 *
 * <p>The parser is a loop over an explicit stack of open containers, not a recursive descent, so the depth
 * limit is a choice (default 1,000, as Jackson's and about what Python's json accepts), not a guard
 * against stack exhaustion: any limit is safe. One parser per thread; it is reused line after line.
 */
public final class JsonLineParser {

    /** Problems that leave the structure readable, kept per line; more of them say nothing new. */
    private static final int MAX_READABLE_PROBLEMS = 16;

    private final int maxDepth;
    private final JsonTape tape = new JsonTape();
    private final List<JsonProblem> readable = new ArrayList<>();
    private byte[] src;
    private int pos;
    private int limit;
    /** Where the line being parsed starts in {@code src}: problem offsets are relative to it. */
    private int startOfLine;

    // The open containers: node, current key node or element index (for paths), last member (for links).
    private int[] openNode = new int[16];
    private int[] openChild = new int[16];
    private int[] lastMember = new int[16];
    private int depth;

    private JsonProblem problem;

    public JsonLineParser(int maxDepth) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1");
        }
        this.maxDepth = maxDepth;
    }

    /** Parses {@code src[from, to)}; returns the tape, or null with {@link #problem()} set. */
    public JsonTape parse(byte[] src, int from, int to) {
        this.src = src;
        this.pos = from;
        this.limit = to;
        this.startOfLine = from;
        this.depth = 0;
        this.problem = null;
        readable.clear();
        tape.src = src;
        tape.size = 0;
        tape.carriageReturn = false;
        try {
            skipWhitespace();
            if (pos >= limit) {
                return fail(JsonProblem.Kind.UNEXPECTED_END, "the line holds no JSON value");
            }
            values();
            int valueEnd = pos;
            skipWhitespace();
            if (pos < limit) {
                return fail(JsonProblem.Kind.TRAILING_DATA, "unexpected " + describeByte(src[pos])
                        + " after the end of the JSON value: a line must hold exactly one record" + carriageReturnHint(valueEnd));
            }
            return tape;
        } catch (Stop stop) {
            return null;
        }
    }

    /** Why the last {@link #parse} returned null. */
    public JsonProblem problem() {
        return problem;
    }

    /** Duplicate keys and lone surrogates of the last successful parse (at most 16), in line order. */
    public List<JsonProblem> readableProblems() {
        return readable;
    }

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    private static final Stop STOP = new Stop();

    private JsonTape fail(JsonProblem.Kind kind, String message) {
        problem = new JsonProblem(kind, pos - startOfLine, path(), message);
        throw STOP;
    }

    private void note(JsonProblem.Kind kind, int at, String message) {
        if (readable.size() < MAX_READABLE_PROBLEMS) {
            readable.add(new JsonProblem(kind, at - startOfLine, path(), message));
        }
    }

    /**
     * Reads one complete value and everything nested in it. Each turn of the loop reads one value at
     * {@code pos}; after a scalar or a closed container it moves to the next member of the enclosing
     * container, closing containers as their brackets come, until the outermost one is closed.
     */
    private void values() {
        while (true) {
            byte b = src[pos];
            if (b == '{' || b == '[') {
                boolean object = b == '{';
                int node = tape.add(object ? JsonTape.OBJECT : JsonTape.ARRAY, pos);
                push(node);
                pos++;
                skipWhitespace();
                if (at(object ? '}' : ']')) {
                    pos++;
                    close(node);
                } else {
                    beginMember(node);
                    continue;
                }
            } else {
                scalar(b);
            }
            // A value is complete: move on to the next member, closing containers on the way out.
            while (true) {
                if (depth == 0) {
                    return;
                }
                int node = openNode[depth - 1];
                boolean object = tape.kind[node] == JsonTape.OBJECT;
                char closing = object ? '}' : ']';
                skipWhitespace();
                if (at(',')) {
                    pos++;
                    skipWhitespace();
                    if (at(closing)) {
                        fail(JsonProblem.Kind.SYNTAX, "a comma before '" + closing + "': JSON does not allow trailing commas");
                    }
                    beginMember(node);
                    break;
                }
                if (at(closing)) {
                    pos++;
                    close(node);
                    continue;
                }
                fail(pos >= limit ? JsonProblem.Kind.UNEXPECTED_END : JsonProblem.Kind.SYNTAX,
                        "expected ',' or '" + closing + "' in " + (object ? "an object" : "an array") + ", found " + describeHere());
            }
        }
    }

    /** Positions {@code pos} on the next member's value: after the key and colon in an object, at the element in an array. */
    private void beginMember(int node) {
        int level = depth - 1;
        if (tape.kind[node] == JsonTape.OBJECT) {
            if (pos >= limit) {
                fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends inside an object");
            }
            if (src[pos] != '"') {
                fail(JsonProblem.Kind.SYNTAX, "expected a key in double quotes, found " + describeByte(src[pos]));
            }
            openChild[level] = -1; // a problem inside the key itself is placed at the object
            int key = string();
            link(node, level, key);
            openChild[level] = key;
            checkDuplicate(node, key);
            skipWhitespace();
            if (!at(':')) {
                fail(pos >= limit ? JsonProblem.Kind.UNEXPECTED_END : JsonProblem.Kind.SYNTAX,
                        "expected ':' after the key, found " + describeHere());
            }
            pos++;
            skipWhitespace();
            if (pos >= limit) {
                fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends before the value of a key");
            }
        } else {
            if (pos >= limit) {
                fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends inside an array");
            }
            openChild[level] = tape.count[node];
            link(node, level, tape.size); // the element is the next node the tape gets
        }
    }

    private void link(int node, int level, int member) {
        if (tape.count[node] == 0) {
            tape.firstChild[node] = member;
        } else {
            tape.next[lastMember[level]] = member;
        }
        lastMember[level] = member;
        tape.count[node]++;
    }

    private void scalar(byte b) {
        switch (b) {
            case '"' -> string();
            case 't' -> literal(JsonTape.TRUE, "true");
            case 'f' -> literal(JsonTape.FALSE, "false");
            case 'n' -> literal(JsonTape.NULL, "null");
            default -> {
                if (b == '-' || (b >= '0' && b <= '9')) {
                    number();
                } else {
                    fail(JsonProblem.Kind.SYNTAX, "expected a JSON value, found " + describeByte(b));
                }
            }
        }
    }

    private void push(int node) {
        if (depth == maxDepth) {
            fail(JsonProblem.Kind.TOO_DEEP, "arrays and objects are nested more than " + maxDepth + " levels deep");
        }
        if (depth == openNode.length) {
            openNode = Arrays.copyOf(openNode, depth * 2);
            openChild = Arrays.copyOf(openChild, depth * 2);
            lastMember = Arrays.copyOf(lastMember, depth * 2);
        }
        openNode[depth] = node;
        openChild[depth] = -1;
        depth++;
    }

    private void close(int node) {
        tape.end[node] = pos;
        depth--;
    }

    /** Reads a string starting at its opening quote; returns its node. Checks escapes and UTF-8. */
    private int string() {
        int node = tape.add(JsonTape.STRING, pos + 1);
        int i = pos + 1;
        byte flags = 0;
        final byte[] s = src;
        final int end = limit;
        while (true) {
            // The common case: printable ASCII with no quote or backslash, eight bytes at a time.
            i = Swar.plainStringRun(s, i, end);
            if (i >= end) {
                pos = i;
                fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends inside a string (a missing closing quote?)");
            }
            byte b = s[i];
            if (b == '"') {
                break;
            }
            if (b == '\\') {
                flags |= JsonTape.HAS_ESCAPES;
                i = escape(i);
            } else if (b < 0) {
                flags |= JsonTape.NON_ASCII;
                i = utf8(i);
                // Text in other scripts is mostly multi-byte: stay in this loop while it lasts.
                while (i < end && s[i] < 0) {
                    i = utf8(i);
                }
            } else {
                pos = i;
                fail(JsonProblem.Kind.SYNTAX, "a raw control character (" + describeByte(b)
                        + ") inside a string: write it as an escape such as \\n or \\t");
            }
        }
        tape.flags[node] = flags;
        tape.end[node] = i;
        pos = i + 1;
        return node;
    }

    private int escape(int i) {
        if (i + 1 >= limit) {
            pos = i;
            fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends inside an escape");
        }
        byte e = src[i + 1];
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 2;
            }
            case 'u' -> {
                int unit = unicodeEscape(i);
                return Character.isSurrogate((char) unit) ? surrogate(i, unit) : i + 6;
            }
            default -> {
                pos = i;
                fail(JsonProblem.Kind.SYNTAX, "unknown escape \\" + (e >= 0x20 && e < 0x7F ? String.valueOf((char) e) : describeByte(e))
                        + " (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            }
        }
        return i;
    }

    /** The UTF-16 unit of the {@code \}{@code uXXXX} escape at {@code i}; fails when it is cut off or not hex. */
    private int unicodeEscape(int i) {
        if (i + 6 > limit) {
            pos = i;
            fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends inside a \\u escape");
        }
        for (int k = 2; k < 6; k++) {
            if (JsonStrings.hexValue(src[i + k]) < 0) {
                pos = i;
                fail(JsonProblem.Kind.SYNTAX, "a \\u escape needs four hex digits");
            }
        }
        return JsonStrings.hex4(src, i + 2);
    }

    /**
     * A surrogate escape is text only as a high one (D800-DBFF) directly followed by a low one
     * (DC00-DFFF): the two make one character beyond U+FFFF. Alone, it is no character at all: JSON's
     * grammar lets it through, but it cannot be written as UTF-8, so tokenizers and most readers fail on it.
     */
    private int surrogate(int i, int unit) {
        boolean high = Character.isHighSurrogate((char) unit);
        boolean lowFollows = high && i + 12 <= limit && src[i + 6] == '\\' && src[i + 7] == 'u'
                && Character.isLowSurrogate((char) unicodeEscape(i + 6));
        if (lowFollows) {
            return i + 12;
        }
        note(JsonProblem.Kind.LONE_SURROGATE, i, String.format("\\u%04X is a lone %s surrogate: %s", unit, high ? "high" : "low",
                high ? "a low surrogate escape (\\uDC00-\\uDFFF) must follow it" : "it must follow a high surrogate escape (\\uD800-\\uDBFF)"));
        return i + 6;
    }

    /**
     * Checks one UTF-8 sequence starting at a byte above 0x7F; returns the index after it. Written as
     * straight-line tests per sequence length (no code point is built): overlong forms, surrogates and
     * values above U+10FFFF are refused, as the Unicode standard's table of well-formed sequences says.
     * A continuation byte is one of 0x80-0xBF, i.e. a signed byte below -64.
     */
    private int utf8(int i) {
        final byte[] s = src;
        int b0 = s[i] & 0xFF;
        if (b0 < 0xE0) {
            if (b0 < 0xC2 || i + 1 >= limit || s[i + 1] >= -64) {
                return badUtf8(i);
            }
            return i + 2;
        }
        if (b0 < 0xF0) {
            if (i + 2 >= limit) {
                return badUtf8(i);
            }
            int b1 = s[i + 1] & 0xFF;
            if (b1 < 0x80 || b1 > 0xBF || s[i + 2] >= -64 || (b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F)) {
                return badUtf8(i);
            }
            return i + 3;
        }
        if (b0 > 0xF4 || i + 3 >= limit) {
            return badUtf8(i);
        }
        int b1 = s[i + 1] & 0xFF;
        if (b1 < 0x80 || b1 > 0xBF || s[i + 2] >= -64 || s[i + 3] >= -64 || (b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 > 0x8F)) {
            return badUtf8(i);
        }
        return i + 4;
    }

    private int badUtf8(int i) {
        pos = i;
        StringBuilder bytes = new StringBuilder();
        for (int k = i; k < Math.min(limit, i + 4); k++) {
            bytes.append(bytes.length() == 0 ? "" : " ").append(String.format("%02X", src[k] & 0xFF));
        }
        fail(JsonProblem.Kind.NOT_UTF8, "the bytes " + bytes + " are not UTF-8");
        return i;
    }

    private void number() {
        int node = tape.add(JsonTape.NUMBER, pos);
        int i = pos;
        byte flags = 0;
        if (src[i] == '-') {
            i++;
        }
        if (i < limit && src[i] == '0') {
            i++;
        } else if (i < limit && src[i] >= '1' && src[i] <= '9') {
            while (i < limit && src[i] >= '0' && src[i] <= '9') {
                i++;
            }
        } else {
            pos = i;
            fail(JsonProblem.Kind.SYNTAX, "a malformed number");
        }
        if (i < limit && src[i] == '.') {
            flags |= JsonTape.FRACTIONAL;
            i++;
            int digits = i;
            while (i < limit && src[i] >= '0' && src[i] <= '9') {
                i++;
            }
            if (i == digits) {
                pos = i;
                fail(JsonProblem.Kind.SYNTAX, "a number with no digits after the decimal point");
            }
        }
        if (i < limit && (src[i] == 'e' || src[i] == 'E')) {
            flags |= JsonTape.FRACTIONAL;
            i++;
            if (i < limit && (src[i] == '+' || src[i] == '-')) {
                i++;
            }
            int digits = i;
            while (i < limit && src[i] >= '0' && src[i] <= '9') {
                i++;
            }
            if (i == digits) {
                pos = i;
                fail(JsonProblem.Kind.SYNTAX, "a number with no digits in its exponent");
            }
        }
        tape.flags[node] = flags;
        tape.end[node] = i;
        pos = i;
    }

    private void literal(byte kind, String word) {
        int n = word.length();
        if (pos + n > limit) {
            fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends inside '" + word + "'");
        }
        for (int k = 0; k < n; k++) {
            if (src[pos + k] != word.charAt(k)) {
                fail(JsonProblem.Kind.SYNTAX, "expected a JSON value, found " + describeByte(src[pos])
                        + " (strings need double quotes; literals are true, false and null)");
            }
        }
        int node = tape.add(kind, pos);
        pos += n;
        tape.end[node] = pos;
    }

    /** Objects in records are small, so comparing the new key with the earlier ones is cheapest. */
    private void checkDuplicate(int object, int key) {
        int len = tape.end[key] - tape.start[key];
        for (int k = tape.firstChild[object]; k != key; k = tape.next[k]) {
            if (sameKey(k, key, len)) {
                note(JsonProblem.Kind.DUPLICATE_KEY, tape.start[key] - 1, "the key \"" + tape.string(key)
                        + "\" appears twice in one object; parsers disagree on which value wins, so keep exactly one");
                return;
            }
        }
    }

    private boolean sameKey(int a, int b, int lenB) {
        boolean escaped = (tape.flags[a] & JsonTape.HAS_ESCAPES) != 0 || (tape.flags[b] & JsonTape.HAS_ESCAPES) != 0;
        if (escaped) {
            return tape.string(a).equals(tape.string(b));
        }
        int sa = tape.start[a];
        if (tape.end[a] - sa != lenB) {
            return false;
        }
        int sb = tape.start[b];
        for (int i = 0; i < lenB; i++) {
            if (src[sa + i] != src[sb + i]) {
                return false;
            }
        }
        return true;
    }

    private boolean at(char c) {
        return pos < limit && src[pos] == c;
    }

    private void skipWhitespace() {
        while (pos < limit) {
            byte b = src[pos];
            if (b == ' ' || b == '\t' || b == '\n') {
                pos++;
            } else if (b == '\r') {
                tape.carriageReturn = true;
                pos++;
            } else {
                return;
            }
        }
    }

    /**
     * A second record after a bare carriage return means the file ends its lines with CR alone (classic
     * Mac OS): the whole file then reads as one line, and saying so is the useful message.
     */
    private String carriageReturnHint(int from) {
        for (int i = from; i < pos; i++) {
            if (src[i] == '\r') {
                return "; it follows a carriage return (CR) without a line feed, so the file seems to end its lines with CR alone:"
                        + " save it with LF (or CR LF) line endings";
            }
        }
        return "";
    }

    private String describeHere() {
        return pos >= limit ? "the end of the line" : describeByte(src[pos]);
    }

    private static String describeByte(byte b) {
        if (b >= 0x21 && b < 0x7F) {
            return "'" + (char) b + "'";
        }
        return switch (b) {
            case ' ' -> "a space";
            case '\t' -> "a tab";
            case '\n' -> "a line feed";
            case '\r' -> "a carriage return";
            default -> String.format("byte 0x%02X", b & 0xFF);
        };
    }

    /** The JSON path of the value being read when a problem was found, e.g. {@code messages[2].content}. */
    private String path() {
        StringBuilder p = new StringBuilder();
        for (int d = 0; d < depth; d++) {
            int node = openNode[d];
            int child = openChild[d];
            if (child < 0) {
                break;
            }
            if (tape.kind[node] == JsonTape.OBJECT) {
                if (p.length() > 0) {
                    p.append('.');
                }
                p.append(tape.end[child] >= tape.start[child] ? keyText(child) : "?");
            } else {
                p.append('[').append(child).append(']');
            }
        }
        return p.toString();
    }

    private String keyText(int key) {
        try {
            return tape.string(key);
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
