package dev.refinery.datasets.tokens.bpe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Texts to compare tokenizers on: the repository's own prose, code and multilingual samples (real text of
 * several kinds), and generated text made to break tokenizers (long runs of one character, every script,
 * emoji and other astral characters, combining marks, case tricks on contractions, unpaired surrogates).
 */
final class Corpus {

    private Corpus() {
    }

    /** Markdown paragraphs, source files in 40-line chunks and the token samples of the repository. */
    static List<String> repository() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> texts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).filter(Corpus::isText).sorted().toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (file.toString().endsWith(".md")) {
                    texts.addAll(List.of(text.split("\n\n")));
                } else {
                    List<String> lines = text.lines().toList();
                    for (int i = 0; i < lines.size(); i += 40) {
                        texts.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + 40))) + "\n");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }

    private static boolean isText(Path file) {
        String s = file.toString();
        return !s.contains("/target/") && !s.contains("/.git/") && !s.contains("/node_modules/")
                && (s.endsWith(".md") || s.endsWith(".java") || s.endsWith(".txt") || s.endsWith(".py") || s.endsWith(".sh"));
    }

    /** Generated text made to break tokenizers; {@code count} texts from a fixed seed. */
    static List<String> adversarial(int count) {
        Random random = new Random(16);
        String[] runs = {"a", " ", "\n", "\t", "!", "0", "é", "中", "😀", "\u0301", "ab", "\r\n", "=", "/", "'s", "ſ", "ÅÅ", "\u00A0",
                "\u3000", "ю", "ก", "\uD800", "\uDFFF", "#", "1.", "😀\u200D", "Aa"};
        String[] bits = {"'S", "'ll", "'LL", "'Re", "'ſ", "'", "’s", " ", "  ", "\n", "\r", "\n\n", " \n ", "\t ", "...", "//", "https://x.io/a",
                "O'Reilly", "DON'T", "ÉCOLE", "ǅemal", "ʰʰ", "ـــ", "123456", "٣٤٥", "½", "Ⅻ", "₂", "𝔘𝔫𝔦", "𐐷𐐷", "\u0300a", "a\u0300\u0301",
                "\u200B", "\uFEFF", "\u0085", "\u2028", "\u1680"};
        List<String> texts = new ArrayList<>();
        for (String run : runs) {
            for (int length : new int[]{1, 2, 3, 7, 64, 65, 200, 1000, 5000}) {
                texts.add(run.repeat(length));
                texts.add(" " + run.repeat(length) + " x");
            }
        }
        for (int n = 0; n < count; n++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(30);
            for (int k = 0; k < parts; k++) {
                switch (random.nextInt(5)) {
                    case 0 -> text.append(bits[random.nextInt(bits.length)]);
                    case 1 -> text.append(runs[random.nextInt(runs.length)].repeat(1 + random.nextInt(80)));
                    case 2 -> text.appendCodePoint(anyCodePoint(random));
                    case 3 -> {
                        int script = anyCodePoint(random);
                        for (int i = 0; i < 1 + random.nextInt(60); i++) {
                            text.appendCodePoint(Character.isValidCodePoint(script + i) ? script + i : 'x');
                        }
                    }
                    default -> text.append(random.nextBoolean() ? " word" : "Word").append(random.nextInt(3) == 0 ? "'s" : "");
                }
            }
            texts.add(text.toString());
        }
        return texts;
    }

    /** Any code point of any plane, surrogates included (they make unpaired surrogates in a String). */
    private static int anyCodePoint(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> random.nextInt(0x3000);
            case 2 -> random.nextInt(0x10000);
            default -> random.nextInt(0x110000);
        };
    }

    /** The text with every unpaired surrogate replaced by U+FFFD: what the encodings promise to encode them as. */
    static String withoutUnpairedSurrogates(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
