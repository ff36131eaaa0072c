package dev.refinery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code refinery fine-tunes ...}: start a job, follow it, act on it. */
@Command(name = "fine-tunes", description = "Fine-tuning jobs: create, list, get, watch, events, metrics, checkpoints, cancel, rerun, "
        + "download, pause, resume.")
final class FineTuneCommands {

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

    @Command(name = "list", description = "The project's jobs.")
    void list() {
        cli.print(cli.gateway().get("v1/fine-tunes"));
    }

    @Command(name = "get", description = "A job: status, progress, effective hyperparameters and their sources, result, cost.")
    void get(@Parameters(paramLabel = "JOB_ID") String id) {
        cli.print(cli.gateway().get("v1/fine-tunes/" + id));
    }

    @Command(name = "events", description = "A job's history.")
    void events(@Parameters(paramLabel = "JOB_ID") String id) {
        cli.print(cli.gateway().get("v1/fine-tunes/" + id + "/events"));
    }

    @Command(name = "metrics", description = "A job's per-step loss (DPO: reward accuracy and margin) and validation losses.")
    void metrics(@Parameters(paramLabel = "JOB_ID") String id) {
        cli.print(cli.gateway().get("v1/fine-tunes/" + id + "/metrics"));
    }

    @Command(name = "checkpoints", description = "A job's stored checkpoints.")
    void checkpoints(@Parameters(paramLabel = "JOB_ID") String id) {
        cli.print(cli.gateway().get("v1/fine-tunes/" + id + "/checkpoints"));
    }

    @Command(name = "cancel", description = "Cancel a job.")
    void cancel(@Parameters(paramLabel = "JOB_ID") String id) {
        act(id, "cancel");
    }

    @Command(name = "rerun", description = "A new job with this job's exact request.")
    void rerun(@Parameters(paramLabel = "JOB_ID") String id) {
        act(id, "rerun");
    }

    @Command(name = "download", description = "Bring a provider job's weights (Together) into the platform's storage.")
    void download(@Parameters(paramLabel = "JOB_ID") String id) {
        act(id, "download");
    }

    @Command(name = "pause", description = "Pause a provider job that can pause (OpenAI).")
    void pause(@Parameters(paramLabel = "JOB_ID") String id) {
        act(id, "pause");
    }

    @Command(name = "resume", description = "Resume a paused provider job (OpenAI).")
    void resume(@Parameters(paramLabel = "JOB_ID") String id) {
        act(id, "resume");
    }

    private void act(String id, String verb) {
        cli.print(cli.gateway().postJson("v1/fine-tunes/" + id + "/" + verb, Map.of(), null));
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
