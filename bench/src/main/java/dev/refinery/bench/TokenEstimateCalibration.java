package dev.refinery.bench;

import dev.refinery.datasets.model.TextMessage;
import dev.refinery.datasets.tokens.TokenCounter;
import dev.refinery.datasets.tokens.TokenCounters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures the token estimate ({@code estimate:*}) against the exact tokenizers this project has:
 * o200k_base and cl100k_base (jtokkit) and stories260K's 512-token llama2.c vocabulary (the engine).
 * Prints, per corpus and reference, the error of the corpus total and the per-item relative error
 * |estimate - exact| / exact at the median, the 95th percentile and the maximum. The maximum over the
 * large-vocabulary rows is the bound the estimate states.
 *
 * <pre>
 *   java -cp ... dev.refinery.bench.TokenEstimateCalibration CHAT.jsonl [REPO_ROOT] [RECORDS]
 * </pre>
 * Corpora: the first RECORDS (default 3000) records of CHAT.jsonl, counted as whole records with chat
 * overhead; the repository's Markdown documentation by paragraph; Java sources of engine/ in 30-line
 * chunks; and the hand-written samples in bench/src/main/resources/token-samples (support chats in
 * English, German, French, Spanish, Russian, Chinese and Japanese, a JSON extraction, Python code), by line.
 */
public final class TokenEstimateCalibration {

    /** Items with fewer exact tokens are left out of the per-item errors: one token off is 10% there. */
    static final int MIN_ITEM_TOKENS = 10;

    private interface Counting {
        int count(TokenCounter counter, Object item);
    }

    private record Corpus(String name, List<?> items, Counting counting) {
    }

    public static void main(String[] args) throws IOException {
        Path chat = Path.of(args[0]);
        Path root = args.length > 1 ? Path.of(args[1]) : Path.of(".");
        int recordLimit = args.length > 2 ? Integer.parseInt(args[2]) : 3000;

        TokenCounter estimate = TokenCounters.estimate("calibration");
        List<TokenCounter> references = List.of(
                TokenCounters.forSpec("tiktoken:o200k_base", null),
                TokenCounters.forSpec("tiktoken:cl100k_base", null),
                TokenCounters.forSpec("engine:stories260K", root.resolve("models")));

        Counting wholeRecord = (counter, item) -> counter.count(castRecord(item)).total();
        Counting text = (counter, item) -> counter.countText((String) item);
        List<Corpus> corpora = List.of(
                new Corpus("chat records (" + chat.getFileName() + ")", records(chat, recordLimit), wholeRecord),
                new Corpus("markdown paragraphs", markdownParagraphs(root), text),
                new Corpus("java, 30-line chunks", javaChunks(root.resolve("engine/src/main/java"), 60), text),
                new Corpus("written samples, by line", sampleLines(root.resolve("bench/src/main/resources/token-samples")), text));

        System.out.println("estimate: " + estimate.description() + "; stated bound " + estimate.accuracy().label());
        System.out.printf(Locale.ROOT, "%-34s %-12s %6s %10s %10s %8s %8s %8s %8s%n",
                "corpus", "reference", ">=10 tok", "exact", "estimate", "total", "p50 |e|", "p95 |e|", "max |e|");
        for (Corpus corpus : corpora) {
            for (TokenCounter reference : references) {
                report(corpus, reference, estimate);
            }
        }
    }

    private static void report(Corpus corpus, TokenCounter reference, TokenCounter estimate) {
        double[] errors = new double[corpus.items().size()];
        long exactTotal = 0;
        long estimateTotal = 0;
        int i = 0;
        Object worst = null;
        double worstError = -1;
        for (Object item : corpus.items()) {
            int exact = corpus.counting().count(reference, item);
            int guess = corpus.counting().count(estimate, item);
            exactTotal += exact;
            estimateTotal += guess;
            if (exact >= MIN_ITEM_TOKENS) {
                errors[i++] = Math.abs(guess - exact) / (double) exact;
                if (errors[i - 1] > worstError) {
                    worstError = errors[i - 1];
                    worst = item;
                }
            }
        }
        errors = Arrays.copyOf(errors, i);
        Arrays.sort(errors);
        if (Boolean.getBoolean("calibration.showWorst")) {
            System.out.println("  worst: " + String.valueOf(worst).replace('\n', ' ').substring(0, Math.min(160, String.valueOf(worst).length())));
        }
        String name = reference.description().replaceFirst(" .*", "");
        System.out.printf(Locale.ROOT, "%-34s %-12s %6d %10d %10d %+7.1f%% %7.1f%% %7.1f%% %7.1f%%%n",
                corpus.name(), name, errors.length, exactTotal, estimateTotal,
                100.0 * (estimateTotal - exactTotal) / exactTotal,
                100 * quantile(errors, 0.50), 100 * quantile(errors, 0.95), 100 * errors[errors.length - 1]);
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    @SuppressWarnings("unchecked")
    private static List<TextMessage> castRecord(Object item) {
        return (List<TextMessage>) item;
    }

    private static List<List<TextMessage>> records(Path chat, int limit) throws IOException {
        try (Stream<String> lines = Files.lines(chat)) {
            return lines.filter(l -> !l.isBlank()).limit(limit).map(ChatJsonlChunks::parse).toList();
        }
    }

    private static List<String> markdownParagraphs(Path root) throws IOException {
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("bench/README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<String> paragraphs = new ArrayList<>();
        for (Path f : files) {
            for (String paragraph : Files.readString(f).split("\n\n")) {
                if (paragraph.strip().length() >= 40) {
                    paragraphs.add(paragraph);
                }
            }
        }
        return paragraphs;
    }

    private static List<String> javaChunks(Path sourceRoot, int fileLimit) throws IOException {
        List<String> chunks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().limit(fileLimit).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int k = 0; k < lines.size(); k += 30) {
                    chunks.add(String.join("\n", lines.subList(k, Math.min(lines.size(), k + 30))));
                }
            }
        }
        return chunks;
    }

    private static List<String> sampleLines(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                Files.readAllLines(f).stream().filter(l -> !l.isBlank()).forEach(lines::add);
            }
        }
        return lines;
    }
}
