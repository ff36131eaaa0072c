package dev.refinery.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tokenizer.json "decoder": turns token strings back into text. Like Hugging Face's, each step maps
 * the list of token strings to a new list (so that a Strip after a Fuse strips once, at the start of
 * the text), and the result is concatenated.
 */
final class HfDecoder {

    @FunctionalInterface
    private interface Step {
        List<String> apply(List<String> tokens);
    }

    private final List<Step> steps;
    private final boolean byteLevel;
    private final String spaceMarker;

    private HfDecoder(List<Step> steps, boolean byteLevel, String spaceMarker) {
        this.steps = steps;
        this.byteLevel = byteLevel;
        this.spaceMarker = spaceMarker;
    }

    /**
     * @param byteLevelInput whether the pre-tokenizer writes words in the byte alphabet; a file without
     *                       a decoder then still decodes bytes rather than showing 'Ġ' for spaces
     */
    static HfDecoder parse(JsonNode node, boolean byteLevelInput) {
        if (HfJson.isAbsent(node)) {
            List<Step> steps = new ArrayList<>();
            if (byteLevelInput) {
                steps.add(HfDecoder::byteLevel);
            }
            return new HfDecoder(steps, byteLevelInput, null);
        }
        Builder b = new Builder();
        b.add(node);
        return new HfDecoder(b.steps, b.byteLevel, b.spaceMarker);
    }

    String decode(List<String> tokens) {
        List<String> current = tokens;
        for (Step step : steps) {
            current = step.apply(current);
        }
        return String.join("", current);
    }

    /** True when tokens are spelled in the GPT-2 byte alphabet. */
    boolean isByteLevel() {
        return byteLevel;
    }

    /** The character that stands for a space in tokens (U+2581 for SentencePiece-style vocabularies), or null. */
    String spaceMarker() {
        return spaceMarker;
    }

    private static final class Builder {
        final List<Step> steps = new ArrayList<>();
        boolean byteLevel;
        String spaceMarker;

        void add(JsonNode node) {
            String type = HfJson.type(node, "decoder");
            switch (type) {
                case "Sequence" -> node.path("decoders").forEach(this::add);
                case "ByteLevel" -> {
                    byteLevel = true;
                    steps.add(HfDecoder::byteLevel);
                }
                case "Replace" -> {
                    Pattern pattern = HfJson.pattern(node.get("pattern"), "Replace decoder");
                    String content = HfJson.text(node, "content", "");
                    if (" ".equals(content) && node.path("pattern").has("String")) {
                        spaceMarker = node.path("pattern").get("String").asText();
                    }
                    String replacement = Matcher.quoteReplacement(content);
                    steps.add(tokens -> map(tokens, t -> pattern.matcher(t).replaceAll(replacement)));
                }
                case "ByteFallback" -> steps.add(HfDecoder::byteFallback);
                case "Fuse" -> steps.add(tokens -> List.of(String.join("", tokens)));
                case "Strip" -> {
                    String content = HfJson.text(node, "content", " ");
                    int start = node.path("start").asInt(0);
                    int stop = node.path("stop").asInt(0);
                    steps.add(tokens -> map(tokens, t -> strip(t, content, start, stop)));
                }
                case "Metaspace" -> {
                    String replacement = HfJson.text(node, "replacement", "\u2581");
                    spaceMarker = replacement;
                    boolean dropOnFirst = HfPreTokenizer.MetaspacePrepend.of(node) != HfPreTokenizer.MetaspacePrepend.NEVER;
                    steps.add(tokens -> metaspace(tokens, replacement, dropOnFirst));
                }
                default -> throw HfJson.unsupported("decoder", type);
            }
        }
    }

    private interface TokenMap {
        String apply(String token);
    }

    private static List<String> map(List<String> tokens, TokenMap f) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            out.add(f.apply(t));
        }
        return out;
    }

    private static List<String> byteLevel(List<String> tokens) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(tokens.size() * 4);
        for (String t : tokens) {
            ByteLevelAlphabet.appendBytes(t, bytes);
        }
        return List.of(bytes.toUtf8String());
    }

    /** Runs of {@code <0xNN>} tokens become their UTF-8 text, or one U+FFFD per byte when invalid. */
    private static List<String> byteFallback(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayBuilder pending = new ByteArrayBuilder(8);
        for (String t : tokens) {
            int b = byteTokenValue(t);
            if (b >= 0) {
                pending.append((byte) b);
                continue;
            }
            flushBytes(pending, out);
            out.add(t);
        }
        flushBytes(pending, out);
        return out;
    }

    private static void flushBytes(ByteArrayBuilder pending, List<String> out) {
        if (pending.size() == 0) {
            return;
        }
        byte[] bytes = pending.toByteArray();
        if (Utf8.isValid(bytes)) {
            out.add(pending.toUtf8String());
        } else {
            out.add("\uFFFD".repeat(bytes.length));
        }
        pending.clear();
    }

    /** The byte of a {@code <0xNN>} token, or -1. */
    static int byteTokenValue(String token) {
        if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(token.charAt(3), 16);
        int lo = Character.digit(token.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static String strip(String token, String content, int start, int stop) {
        int from = 0;
        int to = token.length();
        for (int i = 0; i < start && token.startsWith(content, from); i++) {
            from += content.length();
        }
        for (int i = 0; i < stop && to - content.length() >= from && token.startsWith(content, to - content.length()); i++) {
            to -= content.length();
        }
        return token.substring(from, to);
    }

    /** Hugging Face drops every replacement character of the first token when a prefix was added. */
    private static List<String> metaspace(List<String> tokens, String replacement, boolean dropOnFirst) {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            out.add(tokens.get(i).replace(replacement, i == 0 && dropOnFirst ? "" : " "));
        }
        return out;
    }
}
