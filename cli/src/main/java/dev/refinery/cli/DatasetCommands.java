package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.cli.output.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.refinery.cli.GatewayCalls.get;
import static dev.refinery.cli.GatewayCalls.post;

/** {@code refinery datasets ...}: upload, list, read the validation report, make a clean version (check: {@link DatasetCheckCommand}). */
@Command(name = "datasets", description = "Datasets: check one offline, upload, list, read the validation report, make a clean version.")
final class DatasetCommands {

    /** The verbs that are one request ({@link GatewayCalls}). */
    static final List<GatewayCalls.Call> CALLS = List.of(
            get("get", "v1/datasets/{ID}", "A dataset with its validation report."),
            get("problems", "v1/datasets/{ID}/problems", "The validation problems, each with its line numbers, JSON path, rule and hint."),
            post("clean-version", "v1/datasets/{ID}/clean-version", "A new version holding only the valid records of ID, linked to it."));

    /** Uploads smaller than this finish before a bar would say anything. */
    private static final long UPLOAD_BAR_FROM = 1L << 20;

    private final Cli cli;

    DatasetCommands(Cli cli) {
        this.cli = cli;
    }

    @Command(name = "upload", description = {"Upload a JSONL dataset; the platform validates it with these check options.",
            "A progress bar (bytes, rate, ETA) is drawn on standard error when it is a terminal, or with --progress."})
    void upload(@Parameters(index = "0", paramLabel = "FILE") Path file,
                @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", defaultValue = "dataset",
                        description = "the dataset's name (default: ${DEFAULT-VALUE})") String name,
                @Option(names = "--target", paramLabel = "T", description = "local, together, fireworks or openai") String target,
                @Option(names = "--model", paramLabel = "ID", description = "the model to count tokens for") String model,
                @Option(names = "--splits", paramLabel = "A/B[/C]", description = "train/validation[/test] percentages") String splits,
                @Option(names = "--dedup", paramLabel = "P", description = "report, exact or normalized") String dedup,
                @Option(names = "--over-context", paramLabel = "P", description = "drop, truncate or fail") String overContext,
                @Option(names = "--epochs", paramLabel = "N", description = "epochs for the cost estimate") Integer epochs,
                @Option(names = "--evals", paramLabel = "N", description = "evaluation passes for the cost estimate") Integer evals,
                @Option(names = "--test-set", paramLabel = "DATASET_ID", description = "a dataset uploaded as the fixed test set") String testSet,
                @Option(names = "--progress", description = "draw the progress bar even when standard error is not a terminal") boolean progress,
                @Option(names = "--no-progress", description = "no progress bar") boolean noProgress) throws IOException {
        Path readable = Cli.readable(file);
        Map<String, String> checks = new LinkedHashMap<>();
        Bodies.of("target", target, "model", model, "splits", splits, "dedup", dedup, "overContext", overContext, "epochs", epochs,
                "evals", evals, "testSet", testSet).forEach((k, v) -> checks.put(k, String.valueOf(v)));
        long size = Files.size(readable);
        GatewayClient gateway = cli.gateway();
        ProgressBar bar = cli.progressBar("upload " + readable.getFileName(), size, UPLOAD_BAR_FROM);
        JsonNode answer = gateway.uploadDataset(readable, name, null, checks, bar == null ? sent -> { } : bar::update);
        if (bar != null) {
            bar.finish(size);
        }
        cli.print(answer);
    }

    @Command(name = "list", description = "The most recent datasets.")
    void list(@Option(names = "--limit", paramLabel = "N", description = "at most this many (the gateway's default: 50)") Integer limit) {
        cli.print(cli.gateway().get("v1/datasets" + Bodies.query("limit", limit)));
    }

}
