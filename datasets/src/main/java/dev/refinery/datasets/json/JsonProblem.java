package dev.refinery.datasets.json;

/**
 * Why a line is not one well-formed JSON value: the kind, where (byte offset in the line, 0-based, and
 * the JSON path of the value being read) and a message for a person.
 */
public record JsonProblem(Kind kind, int byteOffset, String path, String message) {

    public enum Kind {
        /** Bytes that are not UTF-8. */
        NOT_UTF8,
        /** Not JSON: unexpected character, unterminated string, bad number or escape. */
        SYNTAX,
        /** The text ends before the value does (a cut-off line). */
        UNEXPECTED_END,
        /** An object names the same key twice (the line stays readable). */
        DUPLICATE_KEY,
        /** A \\u escape of half a surrogate pair without its other half (the line stays readable). */
        LONE_SURROGATE,
        /** Arrays and objects nested deeper than allowed. */
        TOO_DEEP,
        /** Something after the value: two records on one line. */
        TRAILING_DATA
    }
}
