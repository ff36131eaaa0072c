package dev.refinery.datasets.json;

/**
 * A strict JSON parser for one line, written for the validator's hot path: it checks UTF-8, JSON syntax,
 * nesting depth and duplicate keys in one pass over the bytes and fills a {@link JsonTape} without
 * decoding a single string. The first problem stops the line (a broken line has no structure to check
 * further); the caller goes on with the next line. One parser per thread; it is reused line after line.
 */
public final class JsonLineParser {

    private final int maxDepth;
    private final JsonTape tape = new JsonTape();
    private byte[] src;
    private int pos;
    private int limit;

    // The containers being read, for the path of a problem: node, and current key node or element index.
    private int[] openNode = new int[16];
    private int[] openChild = new int[16];
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
        tape.src = src;
        tape.size = 0;
        try {
            skipWhitespace();
            if (pos >= limit) {
                return fail(JsonProblem.Kind.UNEXPECTED_END, "the line holds no JSON value");
            }
            value();
            skipWhitespace();
            if (pos < limit) {
                return fail(JsonProblem.Kind.TRAILING_DATA, "unexpected " + describeByte(src[pos])
                        + " after the end of the JSON value: a line must hold exactly one record");
            }
            return tape;
        } catch (Stop stop) {
            return null;
        }
    }

    public JsonProblem problem() {
        return problem;
    }

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    private static final Stop STOP = new Stop();

    private JsonTape fail(JsonProblem.Kind kind, String message) {
        problem = new JsonProblem(kind, pos - lineStart(), path(), message);
        throw STOP;
    }

    private int lineStart() {
        return startOfLine;
    }

    /** Where the line being parsed starts in {@code src}: problem offsets are relative to it. */
    private int startOfLine;

    private void value() {
        byte b = src[pos];
        switch (b) {
            case '{' -> object();
            case '[' -> array();
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
            openNode = java.util.Arrays.copyOf(openNode, depth * 2);
            openChild = java.util.Arrays.copyOf(openChild, depth * 2);
        }
        openNode[depth] = node;
        openChild[depth] = -1;
        depth++;
    }

    private void object() {
        int node = open(JsonTape.OBJECT, '}');
        if (node < 0) {
            return;
        }
        int lastKey = -1;
        while (true) {
            if (pos >= limit) {
                fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends inside an object");
            }
            if (src[pos] != '"') {
                fail(JsonProblem.Kind.SYNTAX, "expected a key in double quotes, found " + describeByte(src[pos]));
            }
            int key = string();
            checkDuplicate(node, key);
            openChild[depth - 1] = key;
            if (lastKey < 0) {
                tape.firstChild[node] = key;
            } else {
                tape.next[lastKey] = key;
            }
            lastKey = key;
            tape.count[node]++;
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
            value();
            if (closedAfterMember(node, '}', "an object")) {
                return;
            }
        }
    }

    private void array() {
        int node = open(JsonTape.ARRAY, ']');
        if (node < 0) {
            return;
        }
        int last = -1;
        while (true) {
            if (pos >= limit) {
                fail(JsonProblem.Kind.UNEXPECTED_END, "the line ends inside an array");
            }
            openChild[depth - 1] = tape.count[node];
            int element = tape.size;
            value();
            if (last < 0) {
                tape.firstChild[node] = element;
            } else {
                tape.next[last] = element;
            }
            last = element;
            tape.count[node]++;
            if (closedAfterMember(node, ']', "an array")) {
                return;
            }
        }
    }

    /** Opens a container at its bracket; returns its node, or -1 when it is empty (and already closed). */
    private int open(byte kind, char closing) {
        int node = tape.add(kind, pos);
        push(node);
        pos++;
        skipWhitespace();
        if (at(closing)) {
            pos++;
            close(node);
            return -1;
        }
        return node;
    }

    /** After a member or element: a comma (another must follow) or the closing bracket; true when closed. */
    private boolean closedAfterMember(int node, char closing, String container) {
        skipWhitespace();
        if (at(',')) {
            pos++;
            skipWhitespace();
            if (at(closing)) {
                fail(JsonProblem.Kind.SYNTAX, "a comma before '" + closing + "': JSON does not allow trailing commas");
            }
            return false;
        }
        if (at(closing)) {
            pos++;
            close(node);
            return true;
        }
        fail(pos >= limit ? JsonProblem.Kind.UNEXPECTED_END : JsonProblem.Kind.SYNTAX,
                "expected ',' or '" + closing + "' in " + container + ", found " + describeHere());
        return false;
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
                return i + 6;
            }
            default -> {
                pos = i;
                fail(JsonProblem.Kind.SYNTAX, "unknown escape \\" + (e >= 0x20 && e < 0x7F ? String.valueOf((char) e) : describeByte(e))
                        + " (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            }
        }
        return i;
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
        fail(JsonProblem.Kind.NOT_UTF8, "bytes that are not UTF-8 at byte " + (i - startOfLine + 1) + " of the line");
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
        for (int k = tape.firstChild[object]; k >= 0; k = tape.next[k]) {
            if (sameKey(k, key, len)) {
                pos = tape.start[key] - 1;
                fail(JsonProblem.Kind.DUPLICATE_KEY, "the key \"" + tape.string(key)
                        + "\" appears twice in one object; parsers disagree on which value wins, so keep exactly one");
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
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                pos++;
            } else {
                return;
            }
        }
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
