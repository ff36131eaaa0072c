package dev.refinery.engine.tokenizer;

/** Input clean-up shared by the tokenizers. */
final class TextSanitizer {

    static final char REPLACEMENT = '\uFFFD';

    private TextSanitizer() {
    }

    /**
     * Replaces unpaired surrogates with U+FFFD. A Java string may hold them but UTF-8 cannot, and
     * {@code String.getBytes(UTF_8)} would silently turn them into '?'; U+FFFD is what every decoder
     * produces for invalid input, so encode-then-decode of such a string is predictable.
     */
    static String replaceUnpairedSurrogates(String text) {
        int n = text.length();
        StringBuilder out = null;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean unpaired;
            if (Character.isHighSurrogate(c)) {
                unpaired = i + 1 >= n || !Character.isLowSurrogate(text.charAt(i + 1));
                if (!unpaired) {
                    if (out != null) {
                        out.append(c).append(text.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                unpaired = Character.isLowSurrogate(c);
            }
            if (unpaired && out == null) {
                out = new StringBuilder(n).append(text, 0, i);
            }
            if (out != null) {
                out.append(unpaired ? REPLACEMENT : c);
            }
        }
        return out == null ? text : out.toString();
    }
}
