package dev.refinery.cli;

import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.check.ModelChoice;
import dev.refinery.datasets.check.TargetModels;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.datasets.check.CheckOutputs;
import dev.refinery.datasets.check.CheckResult;
import dev.refinery.datasets.check.DatasetChecker;
import dev.refinery.datasets.check.DedupPolicy;
import dev.refinery.datasets.parquet.ParquetCheckOptions;
import dev.refinery.datasets.parquet.ParquetDatasetChecker;
import dev.refinery.datasets.report.DatasetReport;
import dev.refinery.datasets.report.ParquetReports;
import dev.refinery.datasets.report.ReportJson;
import dev.refinery.datasets.report.ReportSummary;
import dev.refinery.datasets.split.Split;
import dev.refinery.datasets.split.SplitPolicy;
import dev.refinery.datasets.targets.Target;

import dev.refinery.datasets.read.CountingInputStream;
import dev.refinery.cli.output.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code refinery datasets check FILE [options]}: the validator, offline, with the library and the options
 * validation-service uses, so it prints the report the service would store. Exit status 0 when the target accepts the
 * file, 1 when it does not, 64 for a usage error, 66 for a file that cannot be read.
 */
@Command(name = "check", sortOptions = false, description = {
        "Checks a JSONL dataset (or .jsonl.gz, or pre-tokenized .parquet) offline with the validator the platform uses, and prints "
                + "every problem with its line and JSON path, a verdict per target, token counts and cost.",
        "Exit status: 0 when the target accepts the file, 1 when it does not, 64 for a usage error, 66 when FILE cannot be read.",
        "A progress bar (bytes, rate, ETA) is drawn on standard error for files of 16 MiB or more when it is a terminal, or with --progress."})
final class DatasetCheckCommand implements Callable<Integer> {

    /** Smaller files are checked before a bar would say anything. */
    private static final long BAR_FROM = 16L << 20;

    private final Cli cli;

    @Parameters(paramLabel = "FILE", description = "the dataset")
    Path file;

    @Option(names = "--target", paramLabel = "T", converter = TargetConverter.class, description = "the target whose verdict decides the "
            + "exit status: local (default), together, fireworks or openai; every target's verdict is in the report")
    Target target = Target.LOCAL;

    @Option(names = "--model", paramLabel = "ID", description = "the model to count tokens and check the context for (default: the "
            + "target's default model in the catalog); other targets use their own default models")
    String model;

    @Option(names = "--splits", paramLabel = "A/B[/C]", description = "train/validation[/test] percentages (default 90/10); files too "
            + "small for a held-out share keep every record in train")
    String splits;

    @Option(names = "--dedup", paramLabel = "P", description = "report (default) | exact | normalized: which duplicates to remove")
    String dedup;

    @Option(names = "--over-context", paramLabel = "P", description = "drop | truncate | fail: what to do with records over the "
            + "context (no default: such records fail the check until you choose)")
    OverContextPolicy overContext;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs for the cost estimate (default: the provider's rule)")
    Integer epochs;

    @Option(names = "--evals", paramLabel = "N", description = "evaluation passes over the validation split for the cost estimate (default 0)")
    int evaluations;

    @Option(names = "--test-set", paramLabel = "FILE", description = "a fixed test set: its records are the test split, leaks into "
            + "training reported")
    Path testSet;

    @Option(names = "--out", paramLabel = "DIR", description = "write train.jsonl, validation.jsonl (test.jsonl) and report.json to DIR")
    Path outDir;

    @Option(names = "--structural", description = "structural checks only (no duplicates, splits, tokens or output): fastest")
    boolean structural;

    @Option(names = "--max-line-bytes", paramLabel = "N", description = "longest line read (default 8388608)")
    Integer maxLineBytes;

    @Option(names = "--max-depth", paramLabel = "N", description = "deepest nesting of arrays and objects (default 1000)")
    Integer maxDepth;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default 2)")
    Integer threads;

    @Option(names = "--models-dir", paramLabel = "DIR", description = "where engine:FOLDER tokenizers are (default: REFINERY_MODELS_DIR, "
            + "else the nearest models/ above the working directory or above the Refinery installation)")
    Path modelsDir;

    @Option(names = "--progress", description = "draw the progress bar whatever the file's size and even when standard error is not a terminal")
    boolean progress;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    DatasetCheckCommand(Cli cli) {
        this.cli = cli;
    }

    /** --target's values, by their ids. */
    static final class TargetConverter implements CommandLine.ITypeConverter<Target> {
        @Override
        public Target convert(String id) {
            return Target.byId(id).orElseThrow(() ->
                    new CommandLine.TypeConversionException("--target must be one of local, together, fireworks, openai; got '" + id + "'"));
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintStream out = cli.out;
        CheckOptions.Builder options = CheckOptions.builder();
        options.structuralOnly(structural);
        if (overContext != null) {
            options.overContext(overContext);
        }
        if (splits != null) {
            options.splits(SplitPolicy.parse(splits));
        }
        if (dedup != null) {
            options.dedup(DedupPolicy.parse(dedup));
        }
        if (testSet != null) {
            Path fixed = Cli.readable(testSet);
            options.fixedTestSet(() -> Files.newInputStream(fixed));
        }
        if (maxLineBytes != null) {
            options.maxLineBytes(maxLineBytes);
        }
        if (maxDepth != null) {
            options.maxDepth(maxDepth);
        }
        if (threads != null) {
            options.threads(threads);
        }
        try {
            TargetModels models = new TargetModels(ModelCatalog.loadFromEnvironment(), modelsDir != null ? modelsDir : ModelChoice.defaultModelsDir());
            for (String note : models.apply(options, target, model, epochs, evaluations)) {
                cli.err.println("note: " + note);
            }
        } catch (CatalogException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Path readable = Cli.readable(file);
        long size = Files.size(readable);
        boolean parquet = readable.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet");
        ProgressBar bar = parquet ? null : cli.progressBar("check " + readable.getFileName(), size, BAR_FROM);
        try (InputStream in = bar == null ? Files.newInputStream(readable) : new CountingInputStream(Files.newInputStream(readable), bar::update);
             SplitWriters writers = new SplitWriters(outDir)) {
            DatasetReport checked;
            if (parquet) {
                // Pre-tokenized rows: their own rules; the file is the tokens, so nothing is split or rewritten.
                checked = ParquetReports.of(new ParquetDatasetChecker(ParquetCheckOptions.together()).check(readable), size, target);
            } else {
                checked = new DatasetChecker(options.build()).check(in, writers).report();
            }
            if (bar != null) {
                bar.finish(size);
            }
            CheckResult result = new CheckResult(checked, new long[0]);
            byte[] report = ReportJson.write(result.report());
            if (outDir != null) {
                Files.write(outDir.resolve("report.json"), report);
            }
            if (cli.json()) {
                out.write(report);
                out.println();
            } else {
                out.print(ReportSummary.render(result.report()));
                if (outDir != null) {
                    out.println("wrote " + outDir.resolve("report.json") + " and the splits' JSONL files");
                }
            }
            out.flush();
            return result.report().accepted() ? ExitCodes.OK : ExitCodes.OUTCOME_FAILED;
        } catch (NoSuchFileException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, "no such file: " + e.getFile());
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.NO_INPUT, file + ": " + e.getMessage());
        }
    }

    /** One JSONL file per split under --out, created on first use; nothing without --out. */
    private static final class SplitWriters implements CheckOutputs, AutoCloseable {
        private final Path dir;
        private final Map<Split, OutputStream> open = new EnumMap<>(Split.class);

        SplitWriters(Path dir) throws IOException {
            this.dir = dir;
            if (dir != null) {
                Files.createDirectories(dir);
                for (Split s : Split.values()) {
                    Files.deleteIfExists(dir.resolve(s.id() + ".jsonl"));
                }
            }
        }

        @Override
        public void record(Split split, byte[] bytes, int offset, int length) throws IOException {
            if (dir == null) {
                return;
            }
            OutputStream o = open.get(split);
            if (o == null) {
                o = new BufferedOutputStream(Files.newOutputStream(dir.resolve(split.id() + ".jsonl")), 1 << 16);
                open.put(split, o);
            }
            o.write(bytes, offset, length);
            o.write('\n');
        }

        @Override
        public void close() throws IOException {
            for (OutputStream o : open.values()) {
                o.close();
            }
        }
    }
}
