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

/**
 * {@code refinery datasets check FILE [options]}: the validator, offline, with the library and the
 * options validation-service uses, so it prints the report the service would store. Exit status 0 when
 * the target accepts the file, 1 when it does not, 2 for a usage or I/O error.
 */
final class DatasetCheckCommand {

    static final String USAGE = """
              datasets check FILE [--target local|together|fireworks|openai] [--model ID] [--splits 90/10[/0]]
                       [--dedup report|exact|normalized] [--over-context drop|truncate|fail] [--epochs N] [--evals N]
                       [--test-set FILE] [--out DIR] [--json] [--structural] [--max-line-bytes N] [--max-depth N]
                       [--threads N] [--models-dir DIR]
                                                  validate a JSONL file (.jsonl.gz, or pre-tokenized .parquet) offline: every problem in one pass;
                                                  --out writes the clean splits and report.json (datasets check --help for the options)""";

    static final String HELP = """
            usage: refinery datasets check FILE [options]

            Checks a JSONL dataset (or .jsonl.gz, or pre-tokenized .parquet) offline with the validator the platform
            uses, and prints every problem with its line and JSON path, a verdict per target, token counts and cost.
            Exit status: 0 when the target accepts the file, 1 when it does not, 2 for a usage or I/O error.

            options:
              --target T            the target whose verdict decides the exit status: local (default), together,
                                    fireworks or openai; every target's verdict is in the report
              --model ID            the model to count tokens and check the context for (default: the target's
                                    default model in the catalog); other targets use their own default models
              --splits A/B[/C]      train/validation[/test] percentages (default 90/10); files too small for a
                                    held-out share keep every record in train
              --dedup P             report (default) | exact | normalized: which duplicates to remove
              --over-context P      drop | truncate | fail: what to do with records over the context (no default:
                                    such records fail the check until you choose)
              --epochs N            epochs for the cost estimate (default: the provider's rule)
              --evals N             evaluation passes over the validation split for the cost estimate (default 0)
              --test-set FILE       a fixed test set: its records are the test split, leaks into training reported
              --out DIR             write train.jsonl, validation.jsonl (test.jsonl) and report.json to DIR
              --json                print report.json instead of the summary
              --structural          structural checks only (no duplicates, splits, tokens or output): fastest
              --max-line-bytes N    longest line read (default 8388608)
              --max-depth N         deepest nesting of arrays and objects (default 1000)
              --threads N           worker threads (default 2)
              --models-dir DIR      where engine:FOLDER tokenizers are (default: REFINERY_MODELS_DIR, else the
                                    nearest models/ above the working directory or above the Refinery installation)
              -h, --help            this text
            """;

    private DatasetCheckCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length >= 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(HELP);
            return 0;
        }
        if (args.length < 1 || args[0].startsWith("--")) {
            err.println("error: datasets check needs a FILE first\n" + USAGE);
            return 2;
        }
        Path file = Path.of(args[0]);
        CheckOptions.Builder options = CheckOptions.builder();
        Path outDir = null;
        boolean json = false;
        Target target = Target.LOCAL;
        String model = null;
        Integer epochs = null;
        int evaluations = 0;
        Path modelsDir = null;
        try {
            for (int i = 1; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--help", "-h" -> {
                        out.print(HELP);
                        return 0;
                    }
                    case "--json" -> json = true;
                    case "--structural" -> options.structuralOnly(true);
                    case "--target" -> {
                        String id = value(args, ++i, flag);
                        target = Target.byId(id).orElseThrow(() ->
                                new IllegalArgumentException("--target must be one of local, together, fireworks, openai; got '" + id + "'"));
                    }
                    case "--model" -> model = value(args, ++i, flag);
                    case "--epochs" -> epochs = number(args, ++i, flag);
                    case "--evals" -> evaluations = number(args, ++i, flag);
                    case "--over-context" -> options.overContext(OverContextPolicy.valueOf(value(args, ++i, flag).toUpperCase(java.util.Locale.ROOT)));
                    case "--splits" -> options.splits(SplitPolicy.parse(value(args, ++i, flag)));
                    case "--dedup" -> options.dedup(DedupPolicy.parse(value(args, ++i, flag)));
                    case "--out" -> outDir = Path.of(value(args, ++i, flag));
                    case "--test-set" -> {
                        Path testSet = Path.of(value(args, ++i, flag));
                        options.fixedTestSet(() -> Files.newInputStream(testSet));
                    }
                    case "--max-line-bytes" -> options.maxLineBytes(number(args, ++i, flag));
                    case "--max-depth" -> options.maxDepth(number(args, ++i, flag));
                    case "--threads" -> options.threads(number(args, ++i, flag));
                    case "--models-dir" -> modelsDir = Path.of(value(args, ++i, flag));
                    default -> throw new IllegalArgumentException("unknown option " + flag + " (datasets check --help lists them)\n" + USAGE);
                }
            }
            TargetModels models = new TargetModels(ModelCatalog.loadFromEnvironment(), modelsDir != null ? modelsDir : ModelChoice.defaultModelsDir());
            for (String note : models.apply(options, target, model, epochs, evaluations)) {
                err.println("note: " + note);
            }
        } catch (CatalogException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try (InputStream in = Files.newInputStream(file); SplitWriters writers = new SplitWriters(outDir)) {
            DatasetReport checked;
            if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet")) {
                // Pre-tokenized rows: their own rules; the file is the tokens, so nothing is split or rewritten.
                checked = ParquetReports.of(new ParquetDatasetChecker(ParquetCheckOptions.together()).check(file), Files.size(file), target);
            } else {
                checked = new DatasetChecker(options.build()).check(in, writers).report();
            }
            CheckResult result = new CheckResult(checked, new long[0]);
            byte[] report = ReportJson.write(result.report());
            if (outDir != null) {
                Files.write(outDir.resolve("report.json"), report);
            }
            if (json) {
                out.write(report);
                out.println();
            } else {
                out.print(ReportSummary.render(result.report()));
                if (outDir != null) {
                    out.println("wrote " + outDir.resolve("report.json") + " and the splits' JSONL files");
                }
            }
            return result.report().accepted() ? 0 : 1;
        } catch (NoSuchFileException e) {
            err.println("error: no such file: " + file);
            return 2;
        } catch (IOException e) {
            err.println("error: " + file + ": " + e.getMessage());
            return 2;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int number(String[] args, int i, String flag) {
        try {
            return Integer.parseInt(value(args, i, flag));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, got '" + args[i] + "'");
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
