package dev.refinery.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.refinery.datasets.model.TextMessage;
import dev.refinery.datasets.tokens.bpe.TiktokenEncoding;
import dev.refinery.engine.tokenizer.Llama2cTokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * Tokenizer throughput on one core: the validator's tokenizers beside the reference each is exact to, on
 * the same texts, one thread. Two corpora: the message texts of a chat JSONL file (the validator's
 * benchmark file: a small vocabulary, so the pieces' cache hits almost always) and "varied" text, the
 * repository's prose, code and multilingual samples repeated to the same size (a cache's worst realistic
 * case: much of it is seen once). Then, unless told not to, it proves the point it measures: every text's
 * ids compared with the reference's.
 *
 * <pre>
 *   java -Xmx1g -cp ... dev.refinery.bench.TokenizerBench CHAT.jsonl REPO_ROOT [ROUNDS] [verify|noverify]
 * </pre>
 * Each row is timed over the whole corpus ROUNDS times (default 3) after one untimed round, the rows
 * interleaved round by round; the table gives the best round. MB/s counts the texts' UTF-8 bytes.
 */
public final class TokenizerBench {

    private record Row(String name, ToIntFunction<String> count) {
    }

    public static void main(String[] args) throws Exception {
        Path chat = Path.of(args[0]);
        Path repo = Path.of(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean verify = args.length <= 3 || !args[3].equals("noverify");

        EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
        Encoding jtokkitO200k = registry.getEncoding(EncodingType.O200K_BASE);
        Encoding jtokkitCl100k = registry.getEncoding(EncodingType.CL100K_BASE);
        TiktokenEncoding o200k = TiktokenEncoding.o200k();
        TiktokenEncoding cl100k = TiktokenEncoding.cl100k();
        Llama2cTokenizer stories = Llama2cTokenizer.load(repo.resolve("models/stories260K/tok512.bin"), 512);

        List<Row> rows = List.of(
                new Row("jtokkit 1.1.0 o200k countTokensOrdinary", jtokkitO200k::countTokensOrdinary),
                new Row("TiktokenEncoding o200k count", o200k::count),
                new Row("jtokkit 1.1.0 cl100k countTokensOrdinary", jtokkitCl100k::countTokensOrdinary),
                new Row("TiktokenEncoding cl100k count", cl100k::count),
                new Row("engine stories260K encode, unchunked (before)", t -> stories.encodeUnchunked(t).length),
                new Row("engine stories260K encode", t -> stories.encode(t).length));

        List<String> chatTexts = chatTexts(chat);
        long chatBytes = utf8Bytes(chatTexts);
        List<String> varied = variedTexts(repo, chatBytes);
        System.out.printf(Locale.ROOT, "# %s%n# one thread; load average %s; %s%n", Machine.describe(), Timer.loadAverage(),
                "MB/s = UTF-8 bytes of the texts per second, best of " + rounds + " rounds after one untimed round");
        for (var corpus : List.of(new Object[]{"chat file " + chat.getFileName(), chatTexts}, new Object[]{"varied repository text", varied})) {
            @SuppressWarnings("unchecked")
            List<String> texts = (List<String>) corpus[1];
            long bytes = utf8Bytes(texts);
            System.out.printf(Locale.ROOT, "%n## %s: %,d texts, %.1f MB%n", corpus[0], texts.size(), bytes / 1e6);
            System.out.printf(Locale.ROOT, "%-48s %12s %9s %11s %10s%n", "row", "tokens", "MB/s", "Mtokens/s", "vs jtokkit");
            double[] best = new double[rows.size()];
            long[] tokens = new long[rows.size()];
            for (int round = 0; round <= rounds; round++) {
                List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5));
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                for (int i : order) {
                    long t0 = System.nanoTime();
                    long n = 0;
                    for (String text : texts) {
                        n += rows.get(i).count().applyAsInt(text);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    tokens[i] = n;
                    if (round > 0) {
                        best[i] = Math.max(best[i], bytes / 1e6 / seconds);
                    }
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                int reference = i < 4 ? i - i % 2 : 4;
                System.out.printf(Locale.ROOT, "%-48s %,12d %9.1f %11.2f %9.1fx%n", rows.get(i).name(), tokens[i], best[i],
                        tokens[i] / 1e6 * best[i] / (bytes / 1e6), best[i] / best[reference]);
            }
        }
        if (verify) {
            System.out.println();
            verify("o200k_base", o200k::encode, t -> jtokkitO200k.encodeOrdinary(t).toArray(), chatTexts, varied);
            verify("cl100k_base", cl100k::encode, t -> jtokkitCl100k.encodeOrdinary(t).toArray(), chatTexts, varied);
            verify("stories260K", stories::encode, stories::encodeUnchunked, chatTexts, varied);
        }
    }

    private interface Ids {
        int[] of(String text);
    }

    /** Compares every text's ids with the reference's; prints how many texts and tokens agreed. */
    private static void verify(String name, Ids ours, Ids reference, List<String> chat, List<String> varied) {
        long texts = 0;
        long tokens = 0;
        long mismatches = 0;
        for (List<String> corpus : List.of(chat, varied)) {
            for (String text : corpus) {
                int[] expected = reference.of(text);
                texts++;
                tokens += expected.length;
                if (!Arrays.equals(expected, ours.of(text))) {
                    mismatches++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "# ids of %s vs its reference: %,d texts, %,d tokens, %d texts differ%n", name, texts, tokens, mismatches);
    }

    private static List<String> chatTexts(Path file) throws IOException {
        List<String> texts = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(l -> !l.isBlank()).forEach(l -> ChatJsonlChunks.parse(l).stream().map(TextMessage::text).forEach(texts::add));
        }
        return texts;
    }

    /** Markdown paragraphs, source files in 40-line chunks and the token samples, repeated until {@code bytes}. */
    private static List<String> variedTexts(Path repo, long bytes) throws IOException {
        List<String> once = new ArrayList<>();
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path file : files.filter(Files::isRegularFile).filter(TokenizerBench::isText).sorted().toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (file.toString().endsWith(".md")) {
                    once.addAll(List.of(text.split("\n\n")));
                } else {
                    List<String> lines = text.lines().toList();
                    for (int i = 0; i < lines.size(); i += 40) {
                        once.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + 40))) + "\n");
                    }
                }
            }
        }
        List<String> texts = new ArrayList<>();
        long total = 0;
        while (total < bytes) {
            for (String t : once) {
                texts.add(t);
                total += t.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return texts;
    }

    private static boolean isText(Path file) {
        String s = file.toString();
        return !s.contains("/target/") && !s.contains("/.git/") && !s.contains("/results/")
                && (s.endsWith(".md") || s.endsWith(".java") || s.endsWith(".txt") || s.endsWith(".py") || s.endsWith(".sh"));
    }

    private static long utf8Bytes(List<String> texts) {
        long n = 0;
        for (String t : texts) {
            n += t.getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }
}
