package dev.refinery.datasets.json;

/** Decoding of JSON string escapes; the parser has already checked that they are well formed. */
final class JsonStrings {

    private JsonStrings() {
    }

    /** The text of the JSON string whose content (between the quotes) is {@code src[from, to)}. */
    static String unescape(byte[] src, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        int plainFrom = from;
        while (i < to) {
            if (src[i] != '\\') {
                i++;
                continue;
            }
            out.append(new String(src, plainFrom, i - plainFrom, java.nio.charset.StandardCharsets.UTF_8));
            byte e = src[i + 1];
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> out.append((char) hex4(src, i + 2));
                default -> out.append((char) e); // \" \\ \/
            }
            i += e == 'u' ? 6 : 2;
            plainFrom = i;
        }
        out.append(new String(src, plainFrom, to - plainFrom, java.nio.charset.StandardCharsets.UTF_8));
        return out.toString();
    }

    static int hex4(byte[] src, int at) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            v = (v << 4) | hexValue(src[at + k]);
        }
        return v;
    }

    /** 0-15, or -1 when the byte is not a hex digit. */
    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
