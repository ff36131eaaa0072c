package dev.refinery.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A tokenizer.json "normalizer": rewrites each stretch of text between added tokens before splitting. */
@FunctionalInterface
interface HfNormalizer {

    HfNormalizer IDENTITY = (text, prefixAllowed) -> text;

    /**
     * @param prefixAllowed false when this text continues earlier text, so a Prepend (Llama 2's "▁"
     *                      dummy prefix) must not apply
     */
    String normalize(String text, boolean prefixAllowed);

    static HfNormalizer parse(JsonNode node) {
        if (HfJson.isAbsent(node)) {
            return IDENTITY;
        }
        String type = HfJson.type(node, "normalizer");
        switch (type) {
            case "Sequence": {
                List<HfNormalizer> steps = new ArrayList<>();
                for (JsonNode step : node.path("normalizers")) {
                    steps.add(parse(step));
                }
                return (text, prefixAllowed) -> {
                    String out = text;
                    for (HfNormalizer step : steps) {
                        out = step.normalize(out, prefixAllowed);
                    }
                    return out;
                };
            }
            case "Prepend": {
                String prefix = HfJson.text(node, "prepend", "\u2581");
                // Hugging Face prepends to every non-empty piece, even one that already starts with it.
                return (text, prefixAllowed) -> prefixAllowed && !text.isEmpty() ? prefix + text : text;
            }
            case "Replace": {
                Pattern pattern = HfJson.pattern(node.get("pattern"), "Replace normalizer");
                String replacement = Matcher.quoteReplacement(HfJson.text(node, "content", ""));
                return (text, prefixAllowed) -> pattern.matcher(text).replaceAll(replacement);
            }
            case "NFC":
                return (text, prefixAllowed) -> Normalizer.normalize(text, Normalizer.Form.NFC);
            case "NFD":
                return (text, prefixAllowed) -> Normalizer.normalize(text, Normalizer.Form.NFD);
            case "NFKC":
                return (text, prefixAllowed) -> Normalizer.normalize(text, Normalizer.Form.NFKC);
            case "NFKD":
                return (text, prefixAllowed) -> Normalizer.normalize(text, Normalizer.Form.NFKD);
            case "Lowercase":
                return (text, prefixAllowed) -> text.toLowerCase(Locale.ROOT);
            case "Strip": {
                boolean left = HfJson.bool(node, "strip_left", true);
                boolean right = HfJson.bool(node, "strip_right", true);
                return (text, prefixAllowed) -> left && right ? text.strip()
                        : left ? text.stripLeading() : right ? text.stripTrailing() : text;
            }
            default:
                throw HfJson.unsupported("normalizer", type);
        }
    }
}
