package dev.refinery.datasets.format;

import dev.refinery.datasets.json.JsonTape;

/**
 * Writes a valid record as the validated output keeps it: only the fields its format uses, every value
 * copied byte for byte from the line (so content, escapes and numbers are exactly what the user wrote).
 * A record with nothing to drop is copied whole; otherwise the objects holding dropped keys are rebuilt
 * from the kept members' bytes.
 */
final class NormalizedWriter {

    static final byte[][] MESSAGE_KEYS = {Keys.ROLE, Keys.CONTENT, Keys.WEIGHT, Keys.NAME, Keys.TOOL_CALLS, Keys.TOOL_CALL_ID,
            Keys.b("reasoning"), Keys.b("reasoning_content")};
    private static final byte[][] INPUT_KEYS = {Keys.MESSAGES, Keys.TOOLS, Keys.PARALLEL_TOOL_CALLS};

    private NormalizedWriter() {
    }

    static void write(JsonTape tape, ByteBuilder out, byte[][] allowed) {
        if (!needsRewrite(tape, 0, allowed)) {
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
                        out.append(src, tape.textStart(m), tape.textEnd(m));
                    }
                }
                out.append(']');
            } else if (tape.stringEquals(k, Keys.INPUT) && tape.kind(value) == JsonTape.OBJECT) {
                writeFiltered(tape, value, INPUT_KEYS, out);
            } else {
                out.append(src, tape.textStart(value), tape.textEnd(value));
            }
        }
        out.append('}');
    }
}
