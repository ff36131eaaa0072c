package dev.refinery.catalog;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * How to count a model's tokens, written {@code kind:argument} in the catalog:
 * {@code tiktoken:o200k_base}, {@code tiktoken:cl100k_base}, {@code tokenizer-json:<path>},
 * {@code engine:<model folder>}, or {@code estimate:<name>} for open models whose tokenizer we do not ship
 * (counts are then estimates with an error bound, never presented as exact).
 */
public record TokenizerSpec(Kind kind, String argument) {

    public enum Kind {
        TIKTOKEN("tiktoken"),
        TOKENIZER_JSON("tokenizer-json"),
        ENGINE("engine"),
        ESTIMATE("estimate");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }

        static Optional<Kind> fromPrefix(String prefix) {
            return Arrays.stream(values()).filter(k -> k.prefix.equals(prefix)).findFirst();
        }
    }

    /** The tiktoken encodings a counter can be expected to have; anything else is a typo in the catalog. */
    public static final Set<String> TIKTOKEN_ENCODINGS = Set.of("o200k_base", "cl100k_base");

    public TokenizerSpec {
        if (kind == null || argument == null || argument.isBlank()) {
            throw new IllegalArgumentException("a tokenizer spec needs a kind and an argument");
        }
    }

    /**
     * Reads {@code kind:argument}; the answer says what is wrong instead of throwing, because the catalog loader
     * reports every problem of a file at once.
     */
    public static ParseResult parse(String text) {
        if (text == null) {
            return ParseResult.failure("is missing");
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return ParseResult.failure("'" + text + "' is not kind:argument (e.g. tiktoken:o200k_base, estimate:llama)");
        }
        String prefix = text.substring(0, colon);
        String argument = text.substring(colon + 1);
        Optional<Kind> kind = Kind.fromPrefix(prefix);
        if (kind.isEmpty()) {
            return ParseResult.failure("unknown tokenizer kind '" + prefix + "' (known: tiktoken, tokenizer-json, engine, estimate)");
        }
        if (kind.get() == Kind.TIKTOKEN && !TIKTOKEN_ENCODINGS.contains(argument)) {
            return ParseResult.failure("unknown tiktoken encoding '" + argument + "' (known: " + String.join(", ",
                    TIKTOKEN_ENCODINGS.stream().sorted().toList()) + ")");
        }
        return new ParseResult(new TokenizerSpec(kind.get(), argument), null);
    }

    /** Whether counts made with this tokenizer can be exact (everything except {@code estimate:}). */
    public boolean countsAreExact() {
        return kind != Kind.ESTIMATE;
    }

    @Override
    public String toString() {
        return kind.prefix() + ":" + argument;
    }

    public record ParseResult(TokenizerSpec spec, String problem) {
        static ParseResult failure(String problem) {
            return new ParseResult(null, problem);
        }

        public boolean ok() {
            return spec != null;
        }
    }
}
