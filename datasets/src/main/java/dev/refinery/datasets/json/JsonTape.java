package dev.refinery.datasets.json;

import java.nio.charset.StandardCharsets;

/**
 * One parsed JSON line as a flat array of nodes that point into the line's bytes: nothing is copied or
 * decoded until a rule asks for it. That is what lets the structural checks run near the speed of
 * reading the bytes. Node 0 is the root. An object's children are its keys in order; the value of key
 * {@code k} is node {@code k + 1}. A tape is reused line after line by one thread; it is not thread-safe.
 */
public final class JsonTape {

    public static final byte OBJECT = 1;
    public static final byte ARRAY = 2;
    public static final byte STRING = 3;
    public static final byte NUMBER = 4;
    public static final byte TRUE = 5;
    public static final byte FALSE = 6;
    public static final byte NULL = 7;

    /** A string node's flag: it holds escapes, so its raw bytes are not its text. */
    static final byte HAS_ESCAPES = 1;
    /** A string node's flag: it holds bytes above 0x7F. */
    static final byte NON_ASCII = 2;
    /** A number node's flag: it has a fraction or an exponent. */
    static final byte FRACTIONAL = 4;

    byte[] src;
    int size;
    /** Whether a carriage return stands between the line's tokens (JSON whitespace, but a line break to many readers). */
    boolean carriageReturn;
    byte[] kind = new byte[256];
    byte[] flags = new byte[256];
    /** Strings: the first byte after the opening quote; others: the first byte of the value. */
    int[] start = new int[256];
    /** Strings: the closing quote; containers: one past the closing bracket; scalars: one past the value. */
    int[] end = new int[256];
    /** The next sibling (key of the next member, or next array element), or -1. */
    int[] next = new int[256];
    /** Containers: the first child, or -1. */
    int[] firstChild = new int[256];
    /** Containers: their number of members or elements. */
    int[] count = new int[256];

    public byte[] source() {
        return src;
    }

    /**
     * Whether a carriage return (CR) stands between the line's tokens. JSON reads it as whitespace; a reader
     * that splits lines at a bare CR (Python's text mode, so Together's check) cuts the record there.
     */
    public boolean hasCarriageReturn() {
        return carriageReturn;
    }

    public int kind(int node) {
        return kind[node];
    }

    public int size(int node) {
        return count[node];
    }

    /** First key of an object or first element of an array; -1 when empty. */
    public int first(int node) {
        return firstChild[node];
    }

    public int next(int node) {
        return next[node];
    }

    /** The value of an object's key node. */
    public int valueOf(int keyNode) {
        return keyNode + 1;
    }

    /** The value of {@code key} in {@code object}, or -1. Keys are compared as written (escaped keys decoded). */
    public int get(int object, byte[] key) {
        for (int k = firstChild[object]; k >= 0; k = next[k]) {
            if (stringEquals(k, key)) {
                return k + 1;
            }
        }
        return -1;
    }

    /** The i-th element of an array, or -1 (linear: arrays in records are short). */
    public int element(int array, int index) {
        int e = firstChild[array];
        for (int i = 0; i < index && e >= 0; i++) {
            e = next[e];
        }
        return e;
    }

    public boolean isString(int node) {
        return node >= 0 && kind[node] == STRING;
    }

    /** Whether a string node's text equals the given bytes (plain ASCII/UTF-8 text, not JSON-escaped). */
    public boolean stringEquals(int node, byte[] text) {
        if (kind[node] != STRING) {
            return false;
        }
        if ((flags[node] & HAS_ESCAPES) != 0) {
            return string(node).equals(new String(text, StandardCharsets.UTF_8));
        }
        int s = start[node];
        int len = end[node] - s;
        if (len != text.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (src[s + i] != text[i]) {
                return false;
            }
        }
        return true;
    }

    /** The decoded text of a string node. */
    public String string(int node) {
        if ((flags[node] & HAS_ESCAPES) == 0) {
            return new String(src, start[node], end[node] - start[node], StandardCharsets.UTF_8);
        }
        return JsonStrings.unescape(src, start[node], end[node]);
    }

    /** Bytes of a string's JSON text between its quotes (escapes not resolved). */
    public int rawStringLength(int node) {
        return end[node] - start[node];
    }

    /** True when the string has no escapes: its bytes between the quotes are exactly its UTF-8 text. */
    public boolean plainString(int node) {
        return (flags[node] & HAS_ESCAPES) == 0;
    }

    /** Start of the node's JSON text in the line (strings: the opening quote). */
    public int textStart(int node) {
        return kind[node] == STRING ? start[node] - 1 : start[node];
    }

    /** One past the end of the node's JSON text (strings: after the closing quote). */
    public int textEnd(int node) {
        return kind[node] == STRING ? end[node] + 1 : end[node];
    }

    /** Start of the string's content (after the opening quote); for strings only. */
    public int contentStart(int node) {
        return start[node];
    }

    /** The closing quote's position; for strings only. */
    public int contentEnd(int node) {
        return end[node];
    }

    public boolean isIntegral(int node) {
        return kind[node] == NUMBER && (flags[node] & FRACTIONAL) == 0;
    }

    /** An integral number's value, saturated at the long range (callers compare it with small limits). */
    public long longValue(int node) {
        int s = start[node];
        int e = end[node];
        boolean negative = src[s] == '-';
        long v = 0;
        for (int i = negative ? s + 1 : s; i < e; i++) {
            if (v > Long.MAX_VALUE / 10 - 10) {
                return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            v = v * 10 + (src[i] - '0');
        }
        return negative ? -v : v;
    }

    public double doubleValue(int node) {
        return Double.parseDouble(new String(src, start[node], end[node] - start[node], StandardCharsets.US_ASCII));
    }

    /** A short name of a node's kind for messages: "an object", "a string", "null". */
    public String describe(int node) {
        if (node < 0) {
            return "nothing";
        }
        return switch (kind[node]) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            default -> "null";
        };
    }

    /** The JSON text of a node, shortened for a message. */
    public String excerpt(int node, int maxChars) {
        String text = new String(src, textStart(node), textEnd(node) - textStart(node), StandardCharsets.UTF_8);
        return text.length() <= maxChars ? text : text.substring(0, maxChars) + "...";
    }

    int add(byte k, int s) {
        if (size == kind.length) {
            grow();
        }
        int n = size++;
        kind[n] = k;
        flags[n] = 0;
        start[n] = s;
        next[n] = -1;
        firstChild[n] = -1;
        count[n] = 0;
        return n;
    }

    private void grow() {
        int cap = kind.length * 2;
        kind = java.util.Arrays.copyOf(kind, cap);
        flags = java.util.Arrays.copyOf(flags, cap);
        start = java.util.Arrays.copyOf(start, cap);
        end = java.util.Arrays.copyOf(end, cap);
        next = java.util.Arrays.copyOf(next, cap);
        firstChild = java.util.Arrays.copyOf(firstChild, cap);
        count = java.util.Arrays.copyOf(count, cap);
    }
}
