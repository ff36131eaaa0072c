package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code refinery}: the command-line client of the gateway API. The gateway's address comes from
 * {@code --gateway URL} or {@code REFINERY_GATEWAY} (default http://127.0.0.1:8080); the API key from
 * {@code REFINERY_API_KEY} or the file {@link ApiKeySource} names.
 */
public final class RefineryCli {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RefineryCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String gatewayUrl = System.getenv().getOrDefault("REFINERY_GATEWAY", "http://127.0.0.1:8080");
        int i = 0;
        if (args.length > 1 && args[0].equals("--gateway")) {
            gatewayUrl = args[1];
            i = 2;
        }
        if (args.length - i < 1) {
            usage(err);
            return 64;
        }
        String[] a = java.util.Arrays.copyOfRange(args, i, args.length);
        if (a.length >= 2 && a[0].equals("datasets") && a[1].equals("check")) {
            return DatasetCheckCommand.run(java.util.Arrays.copyOfRange(a, 2, a.length), out, err); // offline: no gateway needed
        }
        if (a[0].equals("login")) {
            try {
                return AccessCommands.login(a, gatewayUrl, System.in, out);
            } catch (GatewayClient.ApiError | IllegalArgumentException | java.io.IOException e) {
                err.println("error: " + e.getMessage());
                return 2;
            }
        }
        GatewayClient gateway;
        try {
            gateway = new GatewayClient(gatewayUrl, ApiKeySource.find(System.getenv()).orElse(null));
        } catch (IllegalStateException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try {
            // "demo" takes an optional file; every other command is a resource and a verb.
            String command = a[0].equals("demo") || a.length < 2 ? a[0] : a[0] + " " + a[1];
            switch (command) {
                case "demo" -> new DemoPipeline(gateway, out, Duration.ofMinutes(10))
                        .run(Path.of(a.length > 1 ? a[1] : "examples/named-stories/all.jsonl"), "stories260K", DemoPipeline.demoHyperparameters());
                case "datasets upload" -> {
                    UploadArgs upload = UploadArgs.parse(a);
                    print(out, gateway.uploadDataset(upload.file(), upload.name(), null, upload.checks()));
                }
                case "datasets clean-version" -> print(out, gateway.postJson("v1/datasets/" + FlagValues.positional(a, 2, "ID") + "/clean-version", Map.of(), null));
                case "estimates create" -> print(out, gateway.postJson("v1/estimates", EstimateArgs.parse(a), null));
                case "datasets get" -> print(out, gateway.get("v1/datasets/" + FlagValues.positional(a, 2, "ID")));
                case "datasets problems" -> print(out, gateway.get("v1/datasets/" + FlagValues.positional(a, 2, "ID") + "/problems"));
                case "fine-tunes create" -> {
                    FineTuneArgs create = FineTuneArgs.parse(a);
                    print(out, gateway.postJson("v1/fine-tunes", create.body(), create.idempotencyKey()));
                }
                case "fine-tunes get" -> print(out, gateway.get("v1/fine-tunes/" + FlagValues.positional(a, 2, "JOB_ID")));
                case "fine-tunes list" -> print(out, gateway.get("v1/fine-tunes"));
                case "fine-tunes events", "fine-tunes metrics", "fine-tunes checkpoints" ->
                        print(out, gateway.get("v1/fine-tunes/" + FlagValues.positional(a, 2, "JOB_ID") + "/" + a[1]));
                case "fine-tunes cancel", "fine-tunes rerun", "fine-tunes download", "fine-tunes pause", "fine-tunes resume" ->
                        print(out, gateway.postJson("v1/fine-tunes/" + FlagValues.positional(a, 2, "JOB_ID") + "/" + a[1], Map.of(), null));
                case "evals list" -> print(out, gateway.get("v1/evals?jobId=" + FlagValues.positional(a, 2, "JOB_ID")));
                case "evals get" -> print(out, gateway.get("v1/evals/" + FlagValues.positional(a, 2, "EVAL_ID")));
                default -> {
                    if (!AccessCommands.run(command, a, gateway, out) && !WebhookCommands.run(command, a, gateway, out)
                            && !ModelCommands.run(command, a, gateway, out) && !GraderCommands.run(command, a, gateway, out)
                            && !CaptureCommands.run(command, a, gateway, out) && !ContinuousCommands.run(command, a, gateway, out)) {
                        usage(err);
                        return 64;
                    }
                }
            }
            return 0;
        } catch (GatewayClient.ApiError e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static void print(PrintStream out, JsonNode node) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            out.println(node);
        }
    }

    private static void usage(PrintStream err) {
        err.print("""
                usage: refinery [--gateway URL] COMMAND
                  demo [FILE]                         the example pipeline: upload, validation, fine-tune, evaluation
                  datasets upload FILE [NAME] [--target T] [--model ID] [--splits 90/10] [--dedup D] [--over-context P]
                                  [--epochs N] [--evals N] [--test-set DATASET_ID]
                                                      upload a JSONL dataset, checked with these options
                """);
        err.print(DatasetCheckCommand.USAGE.indent(2));
        err.print("""
                  datasets get ID                     a dataset with its validation report
                  datasets problems ID                the validation problems, with line numbers
                  datasets clean-version ID           a new version holding only the valid records of ID
                  estimates create --backend B --model ID (--dataset ID | --training-tokens N [--examples N])
                                   [--training-type lora|full] [--method sft|dpo] [--epochs N] [--evals N]
                                                      the cost of a run: low / expected / high
                """);
        err.print(FineTuneArgs.USAGE.indent(2));
        err.print("""
                  fine-tunes get JOB_ID | list | events JOB_ID | metrics JOB_ID | checkpoints JOB_ID
                  fine-tunes cancel JOB_ID | rerun JOB_ID | download JOB_ID | pause JOB_ID | resume JOB_ID
                  evals list JOB_ID | get EVAL_ID
                """);
        err.print(AccessCommands.USAGE.indent(2));
        err.print(WebhookCommands.USAGE.indent(2));
        err.print(ModelCommands.USAGE.indent(2));
        err.print(GraderCommands.USAGE.indent(2));
        err.print(CaptureCommands.USAGE.indent(2));
        err.print(ContinuousCommands.USAGE.indent(2));
        err.print("  the API key: REFINERY_API_KEY, else the file REFINERY_API_KEY_FILE, else ~/.config/refinery/api-key\n");
    }
}
