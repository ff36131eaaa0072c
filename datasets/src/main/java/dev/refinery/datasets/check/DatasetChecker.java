package dev.refinery.datasets.check;

import dev.refinery.datasets.read.Block;
import dev.refinery.datasets.read.BlockReader;
import dev.refinery.datasets.read.Decompression;
import dev.refinery.datasets.read.DecompressionLimitException;
import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.datasets.rules.Rule;
import dev.refinery.datasets.split.HeldOutSet;
import dev.refinery.datasets.split.Split;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipException;

/**
 * Checks a whole dataset in one pass and reports every problem: the calling thread reads blocks of
 * lines and merges results in file order, {@code threads} workers check the blocks in between. At most
 * {@code 2 × threads + 2} blocks are in memory at once, so memory stays flat however large the file.
 * The same class serves `refinery datasets check` and validation-service, so both give the same report.
 */
public final class DatasetChecker {

    private final CheckOptions options;

    public DatasetChecker(CheckOptions options) {
        this.options = options;
    }

    public CheckResult check(InputStream raw) throws IOException {
        return check(raw, CheckOutputs.NONE);
    }

    public CheckResult check(InputStream raw, CheckOutputs outputs) throws IOException {
        HeldOutSet heldOut = null;
        DatasetReport testSetReport = null;
        if (options.fixedTestSet() != null) {
            heldOut = new HeldOutSet();
            try (InputStream test = options.fixedTestSet().open()) {
                testSetReport = new DatasetChecker(options.forTestSet(heldOut))
                        .check(test, (split, bytes, offset, length) -> outputs.record(Split.TEST, bytes, offset, length)).report();
            }
        }
        Merger merger = new Merger(options, outputs, heldOut, testSetReport);
        int window = 2 * options.threads() + 2;
        Decompression.Opened opened = Decompression.open(raw, options.maxDecompressedBytes(), options.maxDecompressionRatio());
        BlockReader reader = new BlockReader(opened.stream(), options.blockBytes(), options.maxLineBytes(), window + 1);
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), daemonThreads());
        ThreadLocal<BlockWorker> workers = ThreadLocal.withInitial(() -> new BlockWorker(options));
        Deque<Future<BlockResult>> inFlight = new ArrayDeque<>();
        try {
            while (true) {
                Block block;
                try {
                    block = reader.next();
                } catch (DecompressionLimitException e) {
                    Rule rule = e.limit() == DecompressionLimitException.Limit.EXPANDED_SIZE ? Rule.GZIP_TOO_LARGE : Rule.GZIP_BOMB;
                    merger.fileProblem(rule, e.getMessage() + "; the lines before it were checked");
                    break;
                } catch (ZipException | java.io.EOFException e) {
                    if (!opened.gzip()) {
                        throw e;
                    }
                    merger.fileProblem(Rule.GZIP_CORRUPT, "the gzip data is damaged or cut off (" + e.getMessage()
                            + "); the lines before it were checked");
                    break;
                }
                if (block == null) {
                    break;
                }
                inFlight.add(pool.submit(() -> workers.get().check(block)));
                while (inFlight.size() >= window) {
                    merge(inFlight.poll(), merger, reader);
                }
            }
            while (!inFlight.isEmpty()) {
                merge(inFlight.poll(), merger, reader);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the check was interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        if (reader.otherEncoding() != null) {
            merger.fileProblem(Rule.LINE_NOT_UTF8, "the file is encoded as " + reader.otherEncoding()
                    + ", not UTF-8, so no line was checked");
        }
        if (reader.byteOrderMark()) {
            merger.fileProblem(Rule.BYTE_ORDER_MARK, "the file starts with a UTF-8 byte-order mark (EF BB BF)");
        }
        return new CheckResult(merger.finish(reader.bytesRead(), opened.gzip()), merger.fingerprints());
    }

    private static void merge(Future<BlockResult> next, Merger merger, BlockReader reader) throws IOException, InterruptedException {
        BlockResult result;
        try {
            result = next.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a validator worker failed: " + e.getCause(), e.getCause());
        }
        merger.accept(result);
        reader.recycle(result.block.data());
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "dataset-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
