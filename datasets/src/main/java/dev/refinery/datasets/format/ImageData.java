package dev.refinery.datasets.format;

import dev.refinery.datasets.json.JsonTape;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An image part's {@code data:} URL: one of the three types the providers take, base64 that decodes,
 * under the size limit, and bytes that are the image type the URL declares. A prefix alone proves
 * nothing: an export that cut the data or mixed up types passes a prefix check and fails at training.
 * Reads the JSON string's raw bytes; the one escape base64 can hold, {@code \/}, counts as '/'.
 */
final class ImageData {

    static final long MAX_IMAGE_BYTES = 10L * 1024 * 1024;

    private enum Type {
        JPEG("jpeg", new int[]{0xFF, 0xD8, 0xFF}),
        PNG("png", new int[]{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}),
        WEBP("webp", new int[]{'R', 'I', 'F', 'F', -1, -1, -1, -1, 'W', 'E', 'B', 'P'});

        final byte[] prefix;
        /** The file's first bytes; -1 matches any byte (WEBP's RIFF size). */
        final int[] magic;

        Type(String name, int[] magic) {
            this.prefix = ("data:image/" + name + ";base64,").getBytes(StandardCharsets.US_ASCII);
            this.magic = magic;
        }

        String label() {
            return name();
        }
    }

    private ImageData() {
    }

    /** What is wrong with the URL string node, or null when it is a well-formed image of an accepted type. */
    static String problem(JsonTape tape, int url) {
        byte[] src = tape.source();
        int start = tape.contentStart(url);
        int end = tape.contentEnd(url);
        Type type = null;
        for (Type t : Type.values()) {
            if (end - start >= t.prefix.length && Arrays.equals(src, start, start + t.prefix.length, t.prefix, 0, t.prefix.length)) {
                type = t;
            }
        }
        if (type == null) {
            return "the image URL must be data:image/jpeg, png or webp;base64, found " + tape.excerpt(url, 40);
        }
        Base64Scan data = Base64Scan.of(src, start + type.prefix.length, end);
        if (data.problem != null) {
            return "the image's base64 data " + data.problem;
        }
        if (data.decodedBytes >= MAX_IMAGE_BYTES) {
            return "the image has about " + data.decodedBytes / (1024 * 1024) + " MiB; the limit is 10 MB";
        }
        if (!matches(type.magic, data.head, data.headLength)) {
            return "the URL says " + type.label() + " but the data does not start like a " + type.label() + " file (it starts with "
                    + hex(data.head, Math.min(data.headLength, 8)) + ")";
        }
        return null;
    }

    private static boolean matches(int[] magic, byte[] head, int length) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (magic[i] >= 0 && (head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hex(byte[] bytes, int n) {
        if (n == 0) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i] & 0xFF));
        }
        return out.toString();
    }

    /** One pass over base64 text: well-formedness, the decoded size, and the first decoded bytes. */
    private static final class Base64Scan {
        private static final int HEAD = 12;
        private static final byte[] VALUES = new byte[128];

        static {
            Arrays.fill(VALUES, (byte) -1);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for (int i = 0; i < alphabet.length(); i++) {
                VALUES[alphabet.charAt(i)] = (byte) i;
            }
        }

        String problem;
        long decodedBytes;
        final byte[] head = new byte[HEAD];
        int headLength;

        static Base64Scan of(byte[] src, int from, int to) {
            Base64Scan scan = new Base64Scan();
            scan.read(src, from, to);
            return scan;
        }

        private void read(byte[] src, int from, int to) {
            long chars = 0;
            int padding = 0;
            int bits = 0;
            int bitCount = 0;
            for (int i = from; i < to; i++) {
                int c = src[i];
                if (c == '\\' && i + 1 < to && src[i + 1] == '/') {
                    c = '/';
                    i++;
                }
                if (c == '=') {
                    padding++;
                    chars++;
                    continue;
                }
                int value = c >= 0 && c < 128 ? VALUES[c] : -1;
                if (value < 0 || padding > 0) {
                    problem = (value < 0 ? "has " + describe(src, i) : "continues after its '=' padding")
                            + " at character " + (chars + 1) + " after the comma";
                    return;
                }
                chars++;
                bits = (bits << 6) | value;
                bitCount += 6;
                if (bitCount >= 8) {
                    bitCount -= 8;
                    if (headLength < HEAD) {
                        head[headLength++] = (byte) (bits >> bitCount);
                    }
                    bits &= (1 << bitCount) - 1;
                }
            }
            if (chars == 0) {
                problem = "is empty";
            } else if (chars % 4 != 0) {
                problem = "has " + chars + " characters, not a multiple of 4: it is cut off or padded wrongly";
            } else if (padding > 2) {
                problem = "ends with " + padding + " '=' characters; base64 pads with at most 2";
            }
            decodedBytes = chars / 4 * 3 - padding;
        }

        private static String describe(byte[] src, int i) {
            int b = src[i] & 0xFF;
            if (b == '\\') {
                return "an escape (\\" + (i + 1 < src.length ? (char) src[i + 1] : '?') + ")";
            }
            return b >= 0x21 && b < 0x7F ? "'" + (char) b + "', not a base64 character," : String.format("byte 0x%02X, not a base64 character,", b);
        }
    }
}
