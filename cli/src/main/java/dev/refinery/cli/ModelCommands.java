package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.refinery.cli.GatewayCalls.get;

/** The model registry: versions, aliases such as champion, promotion and rollback (with the reason recorded), the policy. */
@Command(name = "models", description = "The model registry: versions, aliases (champion), promote, roll back, evaluate, migrate, policy.")
final class ModelCommands {

    /** The verbs that are one request ({@link GatewayCalls}). */
    static final List<GatewayCalls.Call> CALLS = List.of(
            get("list", "v1/registry/models", "The registered model versions."),
            get("get", "v1/registry/models/{VERSION_ID}", "A model version."),
            get("aliases", "v1/registry/aliases", "The aliases and the version each names (which one is the champion)."),
            get("alias", "v1/registry/aliases/{NAME}", "One alias, with its history."));

    /** Often enough to show a job's progress, rarely enough that an hour of it costs the gateway little. */
    private static final Duration MIGRATION_POLL = Duration.ofSeconds(5);

    private final Cli cli;

    ModelCommands(Cli cli) {
        this.cli = cli;
    }

    @Command(name = "promote", description = "Point an alias at a version, with the reason recorded.")
    void promote(@Parameters(paramLabel = "VERSION_ID") String version,
                 @Option(names = "--alias", paramLabel = "NAME", defaultValue = "champion", description = "default: ${DEFAULT-VALUE}") String alias,
                 @Option(names = "--reason", paramLabel = "TEXT") String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version);
        body.put("reason", reason);
        cli.print(cli.gateway().putJson("v1/registry/aliases/" + alias, body));
    }

    @Command(name = "rollback", description = "The alias goes back to the version that held it before.")
    void rollback(@Option(names = "--alias", paramLabel = "NAME", defaultValue = "champion", description = "default: ${DEFAULT-VALUE}") String alias,
                  @Option(names = "--reason", paramLabel = "TEXT") String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", reason);
        cli.print(cli.gateway().postJson("v1/registry/aliases/" + alias + "/rollback", body, null));
    }

    @Command(name = "register", description = "A model an OpenAI-compatible server of this deployment (vLLM, TGI) answers under "
            + "--model, whose base model it answers as --base-model, becomes a version.")
    void register(@Option(names = "--endpoint", paramLabel = "SERVER") String endpoint,
                  @Option(names = "--model", paramLabel = "NAME") String model,
                  @Option(names = "--base-model", paramLabel = "NAME") String baseModel) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoint", endpoint);
        body.put("model", model);
        body.put("baseModel", baseModel);
        cli.print(cli.gateway().postJson("v1/registry/models", body, null));
    }

    @Command(name = "evaluate", description = {"Evaluate a version (an id mv-... or an alias) by hand: it never promotes.",
            "--dataset: that dataset's test split (default: the candidate's); --test-set: every record of a dataset uploaded as a test set."})
    void evaluate(@Parameters(paramLabel = "VERSION") String candidate,
                  @Option(names = "--baseline", paramLabel = "VERSION") String baseline,
                  @Option(names = "--dataset", paramLabel = "DATASET_ID") String dataset,
                  @Option(names = "--test-set", paramLabel = "DATASET_ID") String testSet,
                  @Option(names = "--metric", paramLabel = "M") String metric,
                  @Option(names = "--max-items", paramLabel = "N") Integer maxItems,
                  @Option(names = "--max-tokens", paramLabel = "N") Integer maxTokens,
                  @Option(names = "--stop", paramLabel = "S", description = "a stop sequence (escapes such as \\n understood)") String stop,
                  @Option(names = "--metrics", paramLabel = "a,b,grader:NAME", split = ",") List<String> metrics) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidate", candidate);
        body.put("baseline", baseline);
        body.put("datasetId", dataset);
        body.put("testSet", testSet);
        body.put("metric", metric);
        body.put("maxItems", maxItems);
        body.put("maxTokens", maxTokens);
        body.put("stop", stop == null ? null : List.of(stop.translateEscapes()));
        body.put("metrics", metrics == null ? null : metrics.stream().map(String::strip).toList());
        cli.print(cli.gateway().postJson("v1/evals", body, null));
    }

    @Command(name = "migrate", description = {"Run MODEL's job (MODEL: an id mv-... or an alias) with its exact spec again on another "
            + "backend (and base model; left out: the same one), wait for it, then evaluate the new version against MODEL on MODEL's "
            + "test split and print both scores, the interval and the outcome (with --json: the evaluation, the steps on stderr).",
            "--wait bounds the whole run; exit code 2 when the job or evaluation fails, is cancelled or runs over."})
    void migrate(@Parameters(paramLabel = "MODEL") String model,
                 @Option(names = "--to", paramLabel = "BACKEND", description = "local, together, fireworks, openai or kubernetes") String to,
                 @Option(names = "--base-model", paramLabel = "NAME") String baseModel,
                 @Option(names = "--wait", paramLabel = "WAIT", defaultValue = "60m", converter = DurationFlag.class,
                         description = "e.g. 90s, 60m, 2h (default: ${DEFAULT-VALUE}: a provider job of a small set fits)") Duration wait) {
        if (to == null) {
            throw new IllegalArgumentException("missing --to BACKEND (local, together, fireworks, openai or kubernetes)");
        }
        JsonNode evaluation = new ModelMigration(cli.gateway(), cli.notes(), MIGRATION_POLL)
                .run(new ModelMigration.Request(model, to, baseModel, wait));
        if (cli.json()) {
            cli.printJson(evaluation);
        }
    }

    @Command(name = "policy", description = "The promotion policy; with options, changes it (admin).")
    void policy(@Option(names = "--metric", paramLabel = "M") String metric,
                @Option(names = "--margin", paramLabel = "X") Double margin,
                @Option(names = "--loss-margin", paramLabel = "X") Double lossMargin,
                @Option(names = "--alias", paramLabel = "NAME") String alias,
                @Option(names = "--auto-promote", paramLabel = "true|false", arity = "1") Boolean autoPromote) {
        if (metric == null && margin == null && lossMargin == null && alias == null && autoPromote == null) {
            cli.print(cli.gateway().get("v1/registry/policy"));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("metric", metric);
        body.put("margin", margin);
        body.put("lossMargin", lossMargin);
        body.put("alias", alias);
        body.put("autoPromote", autoPromote);
        cli.print(cli.gateway().putJson("v1/registry/policy", body));
    }
}
