package dev.refinery.bench;

import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.check.CheckResult;
import dev.refinery.datasets.check.DatasetChecker;
import dev.refinery.datasets.tokens.TokenCounters;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Throughput of the dataset validator on a JSONL file (bench/run-validator-bench.sh makes one with
 * shared/bench/make_chat_jsonl.py): the structural checks alone, then the full check (fingerprints,
 * duplicates, splits, normalization), then the full check with token counts (TOKENIZER, default
 * tiktoken:cl100k_base, to set beside TokenBench's row for the library alone). Prints one table row per mode
 * with the best and median of the runs, the bytes per second of process CPU time (all threads, GC and JIT
 * included: a figure the other work on a shared machine does not distort; on two idle cores the
 * wall-clock rate approaches twice it) and the heap still in use after each run and a collection (the run itself is bounded by -Xmx).
 *
 *   java -Xmx256m -cp ... dev.refinery.bench.ValidatorBench FILE [RUNS] [THREADS] [structural|full|tokens|all] [TOKENIZER]
 */
public final class ValidatorBench {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String modes = args.length > 3 ? args[3] : "all";
        String tokenizer = args.length > 4 ? args[4] : "tiktoken:cl100k_base";
        long bytes = Files.size(file);
        System.out.printf("# file %s, %.1f MiB, %d threads, max heap %d MiB, load %s%n", file.getFileName(), bytes / 1048576.0, threads,
                Runtime.getRuntime().maxMemory() >> 20, Timer.loadAverage());
        System.out.printf("%-12s %10s %10s %14s %12s %14s%n", "mode", "best MB/s", "median", "MB/cpu-second", "records", "live MiB after");
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (String mode : new String[]{"structural", "full", "tokens"}) {
            if (!modes.equals("all") && !modes.equals(mode)) {
                continue;
            }
            boolean structural = mode.equals("structural");
            List<Double> rates = new ArrayList<>();
            List<Double> perCpu = new ArrayList<>();
            long records = 0;
            long heap = 0;
            for (int r = 0; r < runs + 1; r++) {
                CheckOptions.Builder builder = CheckOptions.builder().structuralOnly(structural).threads(threads);
                if (mode.equals("tokens")) {
                    builder.tokens(TokenCounters.forSpec(tokenizer, Path.of("models")), Integer.MAX_VALUE);
                }
                CheckOptions options = builder.build();
                long t0 = System.nanoTime();
                long cpu0 = os.getProcessCpuTime();
                CheckResult result;
                try (InputStream in = Files.newInputStream(file)) {
                    result = new DatasetChecker(options).check(in);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
                records = result.report().records();
                Runtime rt = Runtime.getRuntime();
                System.gc(); // what the check keeps (duplicate sets, report) rather than garbage not yet collected
                heap = Math.max(heap, (rt.totalMemory() - rt.freeMemory()) >> 20);
                if (r > 0) { // the first run warms the JIT up
                    rates.add(bytes / 1e6 / seconds);
                    perCpu.add(bytes / 1e6 / cpuSeconds);
                }
            }
            rates.sort(null);
            perCpu.sort(null);
            System.out.printf("%-12s %10.0f %10.0f %14.0f %12d %14d%n", mode.equals("tokens") ? "+" + tokenizer : mode, rates.get(rates.size() - 1),
                    rates.get(rates.size() / 2), perCpu.get(perCpu.size() - 1), records, heap);
        }
    }
}
