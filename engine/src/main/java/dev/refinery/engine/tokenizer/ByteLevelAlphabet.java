package dev.refinery.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's reversible map from bytes to printable characters, used by byte-level BPE vocabularies:
 * the printable bytes '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves, and the remaining 68 bytes
 * (controls, space, soft hyphen...) take the characters U+0100 onwards in byte order, so that a space
 * is 'Ġ' (U+0120) and a newline 'Ċ' (U+010A).
 */
final class ByteLevelAlphabet {

    private static final char[] CHAR_OF_BYTE = new char[256];
    private static final int[] BYTE_OF_CHAR = new int[256 + 68];

    static {
        Arrays.fill(BYTE_OF_CHAR, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The text's UTF-8 bytes, each written as its alphabet character. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = CHAR_OF_BYTE[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    static char charOf(int b) {
        return CHAR_OF_BYTE[b & 0xFF];
    }

    /** The byte a character stands for, or -1 for characters outside the alphabet. */
    static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }

    /**
     * Bytes of a token spelled in the alphabet; characters outside it (as in added tokens spelled with
     * other characters) contribute their own UTF-8 bytes, as Hugging Face's ByteLevel decoder does.
     */
    static void appendBytes(String token, ByteArrayBuilder out) {
        boolean allInAlphabet = true;
        for (int i = 0; i < token.length() && allInAlphabet; i++) {
            allInAlphabet = byteOf(token.charAt(i)) >= 0;
        }
        if (!allInAlphabet) {
            byte[] raw = token.getBytes(StandardCharsets.UTF_8);
            out.append(raw, 0, raw.length);
            return;
        }
        for (int i = 0; i < token.length(); i++) {
            out.append((byte) byteOf(token.charAt(i)));
        }
    }
}
