package dev.refinery.datasets.format;

import dev.refinery.datasets.json.JsonTape;

/**
 * Writes a valid record as the validated output keeps it: only the fields its format uses, every string
 * and number copied byte for byte from the line (so content, escapes and numbers are exactly what the user
 * wrote). A record with nothing to drop is copied whole; otherwise the objects holding dropped keys are
 * rebuilt from the kept members, without the whitespace between tokens. A record with a carriage return
 * between its tokens is always rebuilt that way: JSON reads CR as a space, but a reader that splits lines
 * at CR (Python's text mode, so Together's own check) would cut it in two.
 */
final class NormalizedWriter {

    static final byte[][] MESSAGE_KEYS = {Keys.ROLE, Keys.CONTENT, Keys.WEIGHT, Keys.NAME, Keys.TOOL_CALLS, Keys.TOOL_CALL_ID,
            Keys.b("reasoning"), Keys.b("reasoning_content")};
    private static final byte[][] INPUT_KEYS = {Keys.MESSAGES, Keys.TOOLS, Keys.PARALLEL_TOOL_CALLS};

    private NormalizedWriter() {
    }

    static void write(JsonTape tape, ByteBuilder out, byte[][] allowed) {
        if (!tape.hasCarriageReturn() && !needsRewrite(tape, 0, allowed)) {
            out.append(tape.source(), tape.textStart(0), tape.textEnd(0));
            return;
        }
        writeFiltered(tape, 0, allowed, out);
    }

    private static boolean needsRewrite(JsonTape tape, int object, byte[][] allowed) {
        for (int k = tape.first(object); k >= 0; k = tape.next(k)) {
            if (!RecordChecker.isOneOf(tape, k, allowed)) {
                return true;
            }
            int value = tape.valueOf(k);
            if (holdsMessages(tape, k) && tape.kind(value) == JsonTape.ARRAY) {
                for (int m = tape.first(value); m >= 0; m = tape.next(m)) {
                    if (tape.kind(m) == JsonTape.OBJECT && needsRewrite(tape, m, MESSAGE_KEYS)) {
                        return true;
                    }
                }
            } else if (tape.stringEquals(k, Keys.INPUT) && tape.kind(value) == JsonTape.OBJECT && needsRewrite(tape, value, INPUT_KEYS)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holdsMessages(JsonTape tape, int key) {
        return tape.stringEquals(key, Keys.MESSAGES) || tape.stringEquals(key, Keys.PREFERRED_OUTPUT)
                || tape.stringEquals(key, Keys.NON_PREFERRED_OUTPUT);
    }

    private static void writeFiltered(JsonTape tape, int object, byte[][] allowed, ByteBuilder out) {
        byte[] src = tape.source();
        out.append('{');
        boolean first = true;
        for (int k = tape.first(object); k >= 0; k = tape.next(k)) {
            if (!RecordChecker.isOneOf(tape, k, allowed)) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(src, tape.textStart(k), tape.textEnd(k)).append(':');
            int value = tape.valueOf(k);
            if (holdsMessages(tape, k) && tape.kind(value) == JsonTape.ARRAY) {
                out.append('[');
                for (int m = tape.first(value); m >= 0; m = tape.next(m)) {
                    if (m != tape.first(value)) {
                        out.append(',');
                    }
                    if (tape.kind(m) == JsonTape.OBJECT) {
                        writeFiltered(tape, m, MESSAGE_KEYS, out);
                    } else {
                        appendCompact(src, tape.textStart(m), tape.textEnd(m), out);
                    }
                }
                out.append(']');
            } else if (tape.stringEquals(k, Keys.INPUT) && tape.kind(value) == JsonTape.OBJECT) {
                writeFiltered(tape, value, INPUT_KEYS, out);
            } else {
                appendCompact(src, tape.textStart(value), tape.textEnd(value), out);
            }
        }
        out.append('}');
    }

    /**
     * Copies a well-formed JSON value without the whitespace between its tokens: strings (escapes and all)
     * and numbers stay as written. A scan, not a walk of the tape, so any nesting depth is fine.
     */
    private static void appendCompact(byte[] src, int from, int to, ByteBuilder out) {
        int copied = from;
        boolean inString = false;
        for (int i = from; i < to; i++) {
            byte b = src[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                out.append(src, copied, i);
                copied = i + 1;
            }
        }
        out.append(src, copied, to);
    }
}
