package dev.refinery.datasets.read;

/**
 * Recognises the encodings a JSONL file is most often saved in by mistake: UTF-16 and UTF-32 (Windows
 * editors' "Unicode"), from their byte-order mark or, without one, from the NUL bytes that ASCII text has
 * between its characters in them. Read as UTF-8 such a file is one long error per line; named, it is one
 * fix. JSON text never holds a raw NUL byte, so a NUL in the first four bytes is never a valid record.
 */
final class TextEncoding {

    private TextEncoding() {
    }

    /** The encoding the file's first bytes show when it is not UTF-8 ("UTF-16 little-endian, with a byte-order mark"), else null. */
    static String otherThanUtf8(byte[] b, int length) {
        if (length < 2) {
            return null;
        }
        int b0 = b[0] & 0xFF;
        int b1 = b[1] & 0xFF;
        int b2 = length > 2 ? b[2] & 0xFF : -1;
        int b3 = length > 3 ? b[3] & 0xFF : -1;
        if (b0 == 0xFF && b1 == 0xFE) {
            return b2 == 0 && b3 == 0 ? "UTF-32 little-endian, with a byte-order mark (FF FE 00 00)"
                    : "UTF-16 little-endian, with a byte-order mark (FF FE)";
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            return "UTF-16 big-endian, with a byte-order mark (FE FF)";
        }
        if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) {
            return "UTF-32 big-endian, with a byte-order mark (00 00 FE FF)";
        }
        if (b0 != 0 && b1 == 0) {
            return b2 == 0 && b3 == 0 ? "UTF-32 little-endian (no byte-order mark; three NUL bytes after each ASCII character)"
                    : "UTF-16 little-endian (no byte-order mark; a NUL byte after each ASCII character)";
        }
        if (b0 == 0 && b1 != 0) {
            return "UTF-16 big-endian (no byte-order mark; a NUL byte before each ASCII character)";
        }
        if (b0 == 0 && b1 == 0 && b2 == 0 && b3 > 0) {
            return "UTF-32 big-endian (no byte-order mark; three NUL bytes before each ASCII character)";
        }
        return null;
    }
}
