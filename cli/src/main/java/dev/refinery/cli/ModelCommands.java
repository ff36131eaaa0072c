package dev.refinery.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The model registry: versions, aliases such as champion, promotion and rollback (with the reason recorded), the policy. */
final class ModelCommands {

    static final String USAGE = """
            models list | get VERSION_ID | aliases | alias NAME
            models promote VERSION_ID [--alias champion] --reason TEXT
            models rollback [--alias champion] --reason TEXT
                                                the alias goes back to the version that held it before
            models register --endpoint SERVER --model NAME --base-model NAME
                                                a model an OpenAI-compatible server of this deployment (vLLM, TGI) answers
                                                under NAME, whose base model it answers as --base-model, becomes a version
            models evaluate VERSION [--baseline VERSION] [--dataset DATASET_ID | --test-set DATASET_ID] [--metric M] [--max-items N]
                           [--max-tokens N] [--stop S] [--metrics a,b,grader:NAME]
                                                VERSION: an id (mv-...) or an alias; by hand: it never promotes. --dataset:
                                                that dataset's test split (default: the candidate's); --test-set: every record
                                                of a dataset uploaded as a test set
            models migrate MODEL --to BACKEND [--base-model NAME] [--wait 60m]
                                                MODEL: an id (mv-...) or an alias. Runs its job's exact spec again on
                                                BACKEND (and base model NAME; left out: the same one), waits for it,
                                                then evaluates the new version against MODEL on MODEL's test split and
                                                prints both scores, the interval and the outcome. --wait bounds the whole
                                                run; exit code 2 when the job or evaluation fails, is cancelled or runs over
            models policy [--metric M] [--margin X] [--loss-margin X] [--alias NAME] [--auto-promote true|false]
                                                shows the policy; with options, changes it (admin)
            """;

    /** How long a migration waits for its job and evaluation unless told otherwise: a provider job of a small set fits. */
    private static final Duration DEFAULT_MIGRATION_WAIT = Duration.ofMinutes(60);
    /** Often enough to show a job's progress, rarely enough that an hour of it costs the gateway little. */
    private static final Duration MIGRATION_POLL = Duration.ofSeconds(5);

    private ModelCommands() {
    }

    /** Runs a registry command; false when {@code command} is not one. */
    static boolean run(String command, String[] a, GatewayClient gateway, PrintStream out) {
        switch (command) {
            case "models list" -> out.println(gateway.get("v1/registry/models").toPrettyString());
            case "models get" -> out.println(gateway.get("v1/registry/models/" + FlagValues.positional(a, 2, "VERSION_ID")).toPrettyString());
            case "models aliases" -> out.println(gateway.get("v1/registry/aliases").toPrettyString());
            case "models alias" -> out.println(gateway.get("v1/registry/aliases/" + FlagValues.positional(a, 2, "NAME")).toPrettyString());
            case "models promote" -> {
                Map<String, String> flags = flags(a, 3, "--alias", "--reason");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("version", FlagValues.positional(a, 2, "VERSION_ID"));
                body.put("reason", flags.get("--reason"));
                out.println(gateway.putJson("v1/registry/aliases/" + flags.getOrDefault("--alias", "champion"), body).toPrettyString());
            }
            case "models rollback" -> {
                Map<String, String> flags = flags(a, 2, "--alias", "--reason");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("reason", flags.get("--reason"));
                out.println(gateway.postJson("v1/registry/aliases/" + flags.getOrDefault("--alias", "champion") + "/rollback", body, null)
                        .toPrettyString());
            }
            case "models register" -> {
                Map<String, String> flags = flags(a, 2, "--endpoint", "--model", "--base-model");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("endpoint", flags.get("--endpoint"));
                body.put("model", flags.get("--model"));
                body.put("baseModel", flags.get("--base-model"));
                out.println(gateway.postJson("v1/registry/models", body, null).toPrettyString());
            }
            case "models evaluate" -> {
                Map<String, String> flags = flags(a, 3, "--baseline", "--dataset", "--test-set", "--metric", "--max-items", "--metrics",
                        "--max-tokens", "--stop");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("candidate", FlagValues.positional(a, 2, "VERSION"));
                body.put("baseline", flags.get("--baseline"));
                body.put("datasetId", flags.get("--dataset"));
                body.put("testSet", flags.get("--test-set"));
                body.put("metric", flags.get("--metric"));
                body.put("maxItems", flags.containsKey("--max-items") ? Integer.parseInt(flags.get("--max-items")) : null);
                body.put("maxTokens", flags.containsKey("--max-tokens") ? Integer.parseInt(flags.get("--max-tokens")) : null);
                body.put("stop", flags.containsKey("--stop") ? List.of(flags.get("--stop").translateEscapes()) : null);
                body.put("metrics", flags.containsKey("--metrics") ? java.util.Arrays.stream(flags.get("--metrics").split(","))
                        .map(String::strip).toList() : null);
                out.println(gateway.postJson("v1/evals", body, null).toPrettyString());
            }
            case "models migrate" -> {
                String model = FlagValues.positional(a, 2, "MODEL");
                Map<String, String> flags = flags(a, 3, "--to", "--base-model", "--wait");
                if (flags.get("--to") == null) {
                    throw new IllegalArgumentException("missing --to BACKEND (local, together, fireworks, openai or kubernetes)");
                }
                Duration wait = flags.containsKey("--wait") ? DurationFlag.parse("--wait", flags.get("--wait")) : DEFAULT_MIGRATION_WAIT;
                new ModelMigration(gateway, out, MIGRATION_POLL).run(new ModelMigration.Request(model, flags.get("--to"), flags.get("--base-model"), wait));
            }
            case "models policy" -> {
                Map<String, String> flags = flags(a, 2, "--metric", "--margin", "--loss-margin", "--alias", "--auto-promote");
                if (flags.isEmpty()) {
                    out.println(gateway.get("v1/registry/policy").toPrettyString());
                } else {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("metric", flags.get("--metric"));
                    body.put("margin", flags.containsKey("--margin") ? Double.parseDouble(flags.get("--margin")) : null);
                    body.put("lossMargin", flags.containsKey("--loss-margin") ? Double.parseDouble(flags.get("--loss-margin")) : null);
                    body.put("alias", flags.get("--alias"));
                    body.put("autoPromote", flags.containsKey("--auto-promote") ? Boolean.parseBoolean(flags.get("--auto-promote")) : null);
                    out.println(gateway.putJson("v1/registry/policy", body).toPrettyString());
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The options from {@code from} on, each one of {@code known}. */
    private static Map<String, String> flags(String[] a, int from, String... known) {
        Map<String, String> out = new LinkedHashMap<>();
        for (FlagValues f : FlagValues.from(a, from)) {
            if (!java.util.List.of(known).contains(f.flag())) {
                throw new IllegalArgumentException("unknown option " + f.flag() + " (known: " + String.join(", ", known) + ")");
            }
            out.put(f.flag(), f.value());
        }
        return out;
    }
}
