package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.refinery.cli.GatewayCalls.get;

/** {@code refinery}: the nouns are its subcommands; the few verbs of its own are here (me, login, demo, feedback, completion). */
@Command(name = "refinery", description = "The command line of Refinery's gateway API: refinery NOUN VERB [options].")
final class RootCommand {

    /** The verbs that are one request ({@link GatewayCalls}). */
    static final List<GatewayCalls.Call> CALLS = List.of(get("me", "v1/me", "The key in use: its prefix, project and scope."));

    private final Cli cli;

    @Spec
    CommandSpec spec;

    RootCommand(Cli cli) {
        this.cli = cli;
    }

    @Command(name = "login", description = {"Read an API key from standard input, check it against the gateway, and store it for the "
            + "other commands (readable by you only).", "Example: refinery login < run/admin.key"})
    void login(@Option(names = "--key-file", paramLabel = "PATH", description = "where to store it (default ~/.config/refinery/api-key)")
               Path file) throws IOException {
        Path target = file != null ? file : Path.of(System.getProperty("user.home"), ".config", "refinery", "api-key");
        String key = new String(cli.in.readNBytes(4096), java.nio.charset.StandardCharsets.US_ASCII).strip();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("give the key on standard input, e.g. refinery login < run/admin.key");
        }
        JsonNode me;
        try {
            me = new GatewayClient(cli.gatewayUrl(), key).get("v1/me");
        } catch (GatewayClient.ApiError e) {
            if (e.status() == 401) { // a wrong key stops here, and nothing is stored
                throw new CliFailure(ExitCodes.KEY, "the gateway refused the key given on standard input: " + e.getMessage());
            }
            throw e;
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path temporary = Files.createTempFile(target.toAbsolutePath().getParent(), ".api-key-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, key + "\n");
        Files.move(temporary, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        if (cli.json()) {
            cli.printJson(me);
        } else {
            cli.out.println("stored key " + me.path("keyPrefix").asText() + " (project " + me.path("project").asText() + ", scope "
                    + me.path("scope").asText() + ") in " + target);
        }
    }

    @Command(name = "demo", description = {"The example pipeline through the gateway: upload, validation, LoRA fine-tune on the local "
            + "engine, evaluation, serving; ends with one RESULT line (with --json: only the result object, the steps on stderr).",
            "The stack must be running: ./refinery demo starts and stops it for you."})
    void demo(@Parameters(arity = "0..1", paramLabel = "FILE", defaultValue = "examples/named-stories/all.jsonl",
            description = "the dataset (default: ${DEFAULT-VALUE})") Path file) {
        GatewayClient gateway = cli.gateway();
        ObjectNode result = new DemoPipeline(gateway, cli.notes(), Duration.ofMinutes(10))
                .run(Cli.readable(file), "stories260K", DemoPipeline.demoHyperparameters());
        if (cli.json()) {
            cli.printJson(result);
        }
    }

    @Command(name = "feedback", description = "Feedback on a captured answer (the chatcmpl-... id of its response).")
    void feedback(@Parameters(paramLabel = "RESPONSE_ID") String id,
                  @Option(names = "--rating", paramLabel = "1-5") Integer rating,
                  @Option(names = "--thumbs", paramLabel = "up|down") String thumbs,
                  @Option(names = "--correction", paramLabel = "TEXT") String correction) {
        if (rating == null && thumbs == null && correction == null) {
            throw new IllegalArgumentException("give at least one of --rating 1-5, --thumbs up|down, --correction TEXT");
        }
        Map<String, Object> body = Bodies.of("responseId", id, "rating", rating, "thumbs", thumbs, "correction", correction);
        cli.print(cli.gateway().postJson("v1/feedback", body, null));
    }

    @Command(name = "completion", description = {"Print a bash (and zsh) completion script for refinery.",
            "Use: source <(refinery completion), or save it under /etc/bash_completion.d/."})
    void completion() {
        PrintStream out = cli.out;
        out.print(AutoComplete.bash("refinery", spec.commandLine()));
        out.flush();
    }
}
