package dev.refinery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.refinery.cli.GatewayCalls.get;
import static dev.refinery.cli.GatewayCalls.post;

/** {@code refinery fine-tunes ...}: start a job, follow it, act on it. */
@Command(name = "fine-tunes", description = "Fine-tuning jobs: create, list, get, watch, events, metrics, checkpoints, cancel, rerun, "
        + "download, pause, resume.")
final class FineTuneCommands {

    /** The verbs that are one request ({@link GatewayCalls}). */
    static final List<GatewayCalls.Call> CALLS = List.of(
            get("list", "v1/fine-tunes", "The project's jobs."),
            get("get", "v1/fine-tunes/{JOB_ID}", "A job: status, progress, effective hyperparameters and their sources, result, cost."),
            get("events", "v1/fine-tunes/{JOB_ID}/events", "A job's history."),
            get("metrics", "v1/fine-tunes/{JOB_ID}/metrics", "A job's per-step loss (DPO: reward accuracy and margin) and validation losses."),
            get("checkpoints", "v1/fine-tunes/{JOB_ID}/checkpoints", "A job's stored checkpoints."),
            post("cancel", "v1/fine-tunes/{JOB_ID}/cancel", "Cancel a job."),
            post("rerun", "v1/fine-tunes/{JOB_ID}/rerun", "A new job with this job's exact request."),
            post("download", "v1/fine-tunes/{JOB_ID}/download", "Bring a provider job's weights (Together) into the platform's storage."),
            post("pause", "v1/fine-tunes/{JOB_ID}/pause", "Pause a provider job that can pause (OpenAI)."),
            post("resume", "v1/fine-tunes/{JOB_ID}/resume", "Resume a paused provider job (OpenAI)."));

    private final Cli cli;

    FineTuneCommands(Cli cli) {
        this.cli = cli;
    }

    @Command(name = "create", description = {"Start a fine-tune. Only what is given is sent; every other setting gets the service's "
            + "default, which the job records with its source.",
            "--set gives one hyperparameter (repeat it), e.g. --set epochs=3 --set learningRate=0.005 --set dpoBeta=0.2"})
    void create(@Parameters(index = "0", paramLabel = "DATASET_ID") String datasetId,
                @Parameters(index = "1", arity = "0..1", paramLabel = "MODEL", description = "the base model") String model,
                @Option(names = "--model", paramLabel = "ID", description = "the base model (instead of MODEL)") String modelOption,
                @Option(names = "--backend", paramLabel = "B", description = "local, together, fireworks, openai or kubernetes") String backend,
                @Option(names = "--method", paramLabel = "M", description = "sft or dpo") String method,
                @Option(names = "--from-job", paramLabel = "JOB_ID", description = "continue this job's result (e.g. DPO after SFT)") String fromJob,
                @Option(names = "--budget", paramLabel = "USD", description = "the job's cap in US dollars") BigDecimal budget,
                @Option(names = "--set", paramLabel = "NAME=VALUE", description = "a hyperparameter; numbers and true/false are sent "
                        + "as such") Map<String, String> set,
                @Option(names = "--idempotency-key", paramLabel = "KEY", description = "the same KEY again returns the same job") String key) {
        Map<String, Object> hyperparameters = new LinkedHashMap<>();
        if (set != null) {
            set.forEach((name, value) -> hyperparameters.put(name.strip(), typed(value.strip())));
        }
        Map<String, Object> body = Bodies.of("datasetId", datasetId, "baseModel", modelOption != null ? modelOption : model,
                "backend", backend, "method", method, "fromJob", fromJob, "budgetUsd", budget,
                "hyperparameters", hyperparameters.isEmpty() ? null : hyperparameters);
        cli.print(cli.gateway().postJson("v1/fine-tunes", body, key));
    }

    /**
     * A hyperparameter as JSON would carry it: whole numbers, decimals and booleans as such, anything else as text
     * (lists as comma-separated text, which the services accept for LoRA target modules). The service checks the range.
     */
    static Object typed(String value) {
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException notWhole) {
            try {
                double d = Double.parseDouble(value);
                return Double.isFinite(d) ? d : value;
            } catch (NumberFormatException notNumber) {
                return value;
            }
        }
    }

    @Command(name = "watch", description = {"Follow a job until it ends: state, step/total, loss, a sparkline of the loss, tokens/s and "
            + "ETA, one line per change (with --json: the job as one JSON line per change).",
            "It polls GET /v1/fine-tunes/JOB_ID (and /metrics when the step moves) every --interval: the gateway's event stream "
            + "carries the job's start and end but not its steps.",
            "Exit status: 0 when the job succeeded, 1 when it failed or was cancelled."})
    int watch(@Parameters(paramLabel = "JOB_ID") String id,
              @Option(names = "--interval", paramLabel = "WAIT", defaultValue = "1s", converter = DurationFlag.class,
                      description = "between two looks at the job, e.g. 1s, 10s, 1m (default: ${DEFAULT-VALUE})") Duration interval) {
        return new FineTuneWatch(cli.gateway(), cli.out, cli.json(), interval).watch(id) ? ExitCodes.OK : ExitCodes.OUTCOME_FAILED;
    }
}
