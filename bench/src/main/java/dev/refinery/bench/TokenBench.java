package dev.refinery.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.refinery.datasets.model.TextMessage;
import dev.refinery.datasets.tokens.TokenCounter;
import dev.refinery.datasets.tokens.TokenCounters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * Token counting throughput on a chat JSONL file: the tokenizer library alone (jtokkit encoding the
 * messages' content strings) against the validator's {@link TokenCounter}s over the same records, on
 * the same threads, so the validator's cost can be read as a share of the library's own throughput.
 *
 * <pre>
 *   java -Xmx256m -cp ... dev.refinery.bench.TokenBench CHAT.jsonl [THREADS] [MODELS_DIR]
 * </pre>
 * The file is read a chunk (8 MiB) at a time; parsing is not timed, only the counting of each chunk's
 * records, on THREADS (default 2) threads taking 64-record blocks. The first chunk runs every row once
 * untimed to let the JIT settle; the rows run in alternating order from chunk to chunk. MB/s is file bytes per second, the unit the validator's throughput is
 * given in; "content MB/s" counts only the UTF-8 bytes of the strings encoded.
 */
public final class TokenBench {

    private static final long CHUNK_BYTES = 8L << 20;
    private static final int BLOCK = 64;

    private record Row(String name, ToLongFunction<List<TextMessage>> countRecord) {
    }

    private static final class Totals {
        long tokens;
        long nanos;
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path models = Path.of(args.length > 2 ? args[2] : "models");

        EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
        Encoding o200k = registry.getEncoding(EncodingType.O200K_BASE);
        Encoding cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
        TokenCounter o200kCounter = TokenCounters.forSpec("tiktoken:o200k_base", null);
        TokenCounter cl100kCounter = TokenCounters.forSpec("tiktoken:cl100k_base", null);
        TokenCounter estimate = TokenCounters.forSpec("estimate:bench", null);
        TokenCounter stories = TokenCounters.forSpec("engine:stories260K", models);

        List<Row> rows = List.of(
                new Row("jtokkit o200k encodeOrdinary (library alone)", r -> contents(r, s -> o200k.encodeOrdinary(s).size())),
                new Row("jtokkit o200k countTokensOrdinary (library alone)", r -> contents(r, o200k::countTokensOrdinary)),
                new Row("TokenCounter tiktoken:o200k_base", r -> o200kCounter.count(r).total()),
                new Row("jtokkit cl100k countTokensOrdinary (library alone)", r -> contents(r, cl100k::countTokensOrdinary)),
                new Row("TokenCounter tiktoken:cl100k_base", r -> cl100kCounter.count(r).total()),
                new Row("TokenCounter engine:stories260K (tok512)", r -> stories.count(r).total()),
                new Row("TokenCounter estimate", r -> estimate.count(r).total()));
        Map<Row, Totals> totals = new LinkedHashMap<>();
        rows.forEach(r -> totals.put(r, new Totals()));

        long fileBytes = 0;
        long contentBytes = 0;
        long records = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (ChatJsonlChunks chunks = new ChatJsonlChunks(file, CHUNK_BYTES)) {
            boolean warm = false;
            int chunkNumber = 0;
            for (ChatJsonlChunks.Chunk chunk = chunks.next(); chunk != null; chunk = chunks.next()) {
                if (!warm) {
                    for (Row row : rows) {
                        run(pool, threads, chunk.records(), row);
                    }
                    warm = true;
                }
                // Alternate the order, so that no row always runs right after the same neighbour's caches and JIT state.
                List<Row> order = new ArrayList<>(rows);
                if (chunkNumber++ % 2 == 1) {
                    Collections.reverse(order);
                }
                for (Row row : order) {
                    Totals t = totals.get(row);
                    long t0 = System.nanoTime();
                    t.tokens += run(pool, threads, chunk.records(), row);
                    t.nanos += System.nanoTime() - t0;
                }
                fileBytes += chunk.fileBytes();
                records += chunk.records().size();
                for (List<TextMessage> r : chunk.records()) {
                    for (TextMessage m : r) {
                        contentBytes += m.text().getBytes(StandardCharsets.UTF_8).length;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }

        System.out.printf(Locale.ROOT, "# %s: %d records, %.1f MiB file, %.1f MiB of content; %d threads, -Xmx%dm; load average %s%n",
                file.getFileName(), records, fileBytes / 1048576.0, contentBytes / 1048576.0, threads,
                Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        double reference = totals.get(rows.get(1)).nanos;
        System.out.printf(Locale.ROOT, "%-52s %12s %8s %10s %12s %10s %12s%n",
                "row", "tokens", "seconds", "file MB/s", "content MB/s", "Mtokens/s", "vs library");
        for (Row row : rows) {
            Totals t = totals.get(row);
            double seconds = t.nanos / 1e9;
            System.out.printf(Locale.ROOT, "%-52s %12d %8.2f %10.1f %12.1f %10.2f %11.0f%%%n", row.name(), t.tokens, seconds,
                    fileBytes / 1e6 / seconds, contentBytes / 1e6 / seconds, t.tokens / 1e6 / seconds, 100 * reference / t.nanos);
        }
        System.out.println("# vs library = o200k countTokensOrdinary time / row time (100% = as fast as the library alone)");
    }

    private static long contents(List<TextMessage> record, ToLongFunction<String> count) {
        long n = 0;
        for (TextMessage m : record) {
            n += count.applyAsLong(m.text());
        }
        return n;
    }

    private static long run(ExecutorService pool, int threads, List<List<TextMessage>> records, Row row) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<Long>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            parts.add(pool.submit(() -> {
                long tokens = 0;
                for (int start = next.getAndAdd(BLOCK); start < records.size(); start = next.getAndAdd(BLOCK)) {
                    for (int i = start; i < Math.min(records.size(), start + BLOCK); i++) {
                        tokens += row.countRecord().applyAsLong(records.get(i));
                    }
                }
                return tokens;
            }));
        }
        long tokens = 0;
        for (Future<Long> part : parts) {
            tokens += part.get();
        }
        return tokens;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
