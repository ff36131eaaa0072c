package dev.refinery.engine.tokenizer;

/** UTF-8 encoding of single code points, without allocating a String per character. */
final class Utf8 {

    private Utf8() {
    }

    /** Writes the UTF-8 bytes of {@code codePoint} into {@code out} (length 4 or more); returns the count. */
    static int encode(int codePoint, byte[] out) {
        if (codePoint < 0x80) {
            out[0] = (byte) codePoint;
            return 1;
        }
        if (codePoint < 0x800) {
            out[0] = (byte) (0xC0 | (codePoint >> 6));
            out[1] = (byte) (0x80 | (codePoint & 0x3F));
            return 2;
        }
        if (codePoint < 0x10000) {
            out[0] = (byte) (0xE0 | (codePoint >> 12));
            out[1] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
            out[2] = (byte) (0x80 | (codePoint & 0x3F));
            return 3;
        }
        out[0] = (byte) (0xF0 | (codePoint >> 18));
        out[1] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
        out[2] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
        out[3] = (byte) (0x80 | (codePoint & 0x3F));
        return 4;
    }

    /** Whether the bytes are well-formed UTF-8 (no overlong forms, surrogates or truncated sequences). */
    static boolean isValid(byte[] bytes) {
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
