package dev.refinery.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A tokenizer.json "pre_tokenizer": cuts normalized text into words that BPE encodes one at a time,
 * and for byte-level vocabularies rewrites each word's UTF-8 bytes in the GPT-2 alphabet.
 */
@FunctionalInterface
interface HfPreTokenizer {

    /**
     * A word in the making.
     *
     * @param atInputStart the piece starts the whole input (Metaspace's "first" prepend scheme)
     * @param noPrefix     the piece continues earlier text: no prefix space or U+2581 may be added
     */
    record PreToken(String text, boolean atInputStart, boolean noPrefix) {
        PreToken sub(int start, int end) {
            return new PreToken(text.substring(start, end), atInputStart && start == 0, noPrefix && start == 0);
        }
    }

    HfPreTokenizer NONE = List::of;

    /** GPT-2's word pattern, which ByteLevel applies when its use_regex is true. */
    String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    List<PreToken> split(PreToken piece);

    default List<PreToken> splitAll(List<PreToken> pieces) {
        List<PreToken> out = new ArrayList<>(pieces.size() * 2);
        for (PreToken p : pieces) {
            out.addAll(split(p));
        }
        return out;
    }

    /** True when words come out in the GPT-2 byte alphabet. */
    default boolean isByteLevel() {
        return false;
    }

    static HfPreTokenizer parse(JsonNode node) {
        if (HfJson.isAbsent(node)) {
            return NONE;
        }
        String type = HfJson.type(node, "pre_tokenizer");
        return switch (type) {
            case "Sequence" -> sequence(node);
            case "ByteLevel" -> byteLevel(node);
            case "Split" -> splitting(new PatternSplitter(HfJson.pattern(node.get("pattern"), "Split pre_tokenizer"),
                    PatternSplitter.behavior(HfJson.text(node, "behavior", "Isolated")), HfJson.bool(node, "invert", false)));
            case "Metaspace" -> metaspace(node);
            case "Digits" -> splitting(new PatternSplitter(Pattern.compile("\\p{N}"),
                    HfJson.bool(node, "individual_digits", false)
                            ? PatternSplitter.Behavior.ISOLATED : PatternSplitter.Behavior.CONTIGUOUS, false));
            case "WhitespaceSplit" -> splitting(new PatternSplitter(
                    Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS), PatternSplitter.Behavior.REMOVED, false));
            case "Whitespace" -> splitting(new PatternSplitter(
                    Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS), PatternSplitter.Behavior.REMOVED, true));
            default -> throw HfJson.unsupported("pre_tokenizer", type);
        };
    }

    private static HfPreTokenizer sequence(JsonNode node) {
        List<HfPreTokenizer> steps = new ArrayList<>();
        for (JsonNode step : node.path("pretokenizers")) {
            steps.add(parse(step));
        }
        boolean byteLevel = steps.stream().anyMatch(HfPreTokenizer::isByteLevel);
        return new HfPreTokenizer() {
            @Override
            public List<PreToken> split(PreToken piece) {
                List<PreToken> pieces = List.of(piece);
                for (HfPreTokenizer step : steps) {
                    pieces = step.splitAll(pieces);
                }
                return pieces;
            }

            @Override
            public boolean isByteLevel() {
                return byteLevel;
            }
        };
    }

    private static HfPreTokenizer splitting(PatternSplitter splitter) {
        return piece -> {
            List<PreToken> out = new ArrayList<>();
            for (int[] r : splitter.split(piece.text())) {
                out.add(piece.sub(r[0], r[1]));
            }
            return out;
        };
    }

    private static HfPreTokenizer byteLevel(JsonNode node) {
        boolean addPrefixSpace = HfJson.bool(node, "add_prefix_space", false);
        PatternSplitter words = HfJson.bool(node, "use_regex", true)
                ? new PatternSplitter(Pattern.compile(GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS), PatternSplitter.Behavior.ISOLATED, false)
                : null;
        return new HfPreTokenizer() {
            @Override
            public List<PreToken> split(PreToken piece) {
                PreToken p = piece;
                if (addPrefixSpace && !piece.noPrefix() && !piece.text().startsWith(" ")) {
                    p = new PreToken(" " + piece.text(), piece.atInputStart(), false);
                }
                List<PreToken> out = new ArrayList<>();
                if (words == null) {
                    out.add(mapped(p));
                } else {
                    for (int[] r : words.split(p.text())) {
                        out.add(mapped(p.sub(r[0], r[1])));
                    }
                }
                return out;
            }

            @Override
            public boolean isByteLevel() {
                return true;
            }

            private PreToken mapped(PreToken p) {
                return new PreToken(ByteLevelAlphabet.encode(p.text()), p.atInputStart(), p.noPrefix());
            }
        };
    }

    private static HfPreTokenizer metaspace(JsonNode node) {
        String replacement = HfJson.text(node, "replacement", "\u2581");
        MetaspacePrepend scheme = MetaspacePrepend.of(node);
        PatternSplitter words = HfJson.bool(node, "split", true)
                ? new PatternSplitter(Pattern.compile(Pattern.quote(replacement)), PatternSplitter.Behavior.MERGED_WITH_NEXT, false)
                : null;
        return piece -> {
            String text = piece.text().replace(" ", replacement);
            // As in Hugging Face: the prefix is added only when the piece does not already start with it.
            boolean prepend = !piece.noPrefix() && !text.startsWith(replacement)
                    && (scheme == MetaspacePrepend.ALWAYS || (scheme == MetaspacePrepend.FIRST && piece.atInputStart()));
            PreToken p = new PreToken(prepend ? replacement + text : text, piece.atInputStart(), piece.noPrefix());
            if (words == null) {
                return List.of(p);
            }
            List<PreToken> out = new ArrayList<>();
            for (int[] r : words.split(p.text())) {
                out.add(p.sub(r[0], r[1]));
            }
            return out;
        };
    }

    /** When Metaspace adds its replacement character in front of a piece. */
    enum MetaspacePrepend {
        ALWAYS, FIRST, NEVER;

        static MetaspacePrepend of(JsonNode node) {
            String scheme = HfJson.text(node, "prepend_scheme", null);
            if (scheme == null) {
                return HfJson.bool(node, "add_prefix_space", true) ? ALWAYS : NEVER; // older files
            }
            return switch (scheme) {
                case "always" -> ALWAYS;
                case "first" -> FIRST;
                case "never" -> NEVER;
                default -> throw HfJson.malformed("unknown Metaspace prepend_scheme " + scheme);
            };
        }
    }
}
