package dev.refinery.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.cli.output.ProgressBar;
import dev.refinery.cli.output.Renderer;
import picocli.CommandLine.ParseResult;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command shares: the streams, the environment, the global options of this invocation ({@code --gateway},
 * {@code --json}, {@code --progress}/{@code --no-progress}, which may stand at any level of the command), the gateway
 * client with its key, and how an answer is printed.
 */
final class Cli {

    static final String DEFAULT_GATEWAY = "http://127.0.0.1:8080";
    private static final ObjectMapper JSON = new ObjectMapper();

    final PrintStream out;
    final PrintStream err;
    final InputStream in;
    final Map<String, String> env;
    /** Whether standard error is a terminal a person watches (progress bars are drawn there). */
    private final boolean interactive;

    private String gatewayOption;
    private boolean json;
    private Boolean progress;
    private GatewayClient gateway;
    private boolean keyConfigured;

    Cli(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, boolean interactive) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
        this.interactive = interactive;
    }

    /** Takes the global options from every level of the parsed command line; the innermost one wins. */
    void configure(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--gateway")) {
                gatewayOption = p.matchedOptionValue("--gateway", gatewayOption);
            }
            if (p.hasMatchedOption("--json")) {
                json = true;
            }
            if (p.hasMatchedOption("--progress") && progress == null) {
                progress = true;
            }
            if (p.hasMatchedOption("--no-progress")) {
                progress = false; // wins over --progress, wherever they stand
            }
        }
    }

    boolean json() {
        return json;
    }

    String gatewayUrl() {
        if (gatewayOption != null) {
            return gatewayOption;
        }
        String fromEnv = env.get("REFINERY_GATEWAY");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv.strip() : DEFAULT_GATEWAY;
    }

    /** The gateway client with the configured key (none configured: requests go without one, and a 401 says how to add one). */
    GatewayClient gateway() {
        if (gateway == null) {
            String key;
            try {
                key = ApiKeySource.find(env).orElse(null);
            } catch (IllegalStateException e) {
                throw new CliFailure(ExitCodes.KEY, e.getMessage());
            }
            keyConfigured = key != null;
            gateway = new GatewayClient(gatewayUrl(), key);
        }
        return gateway;
    }

    boolean keyConfigured() {
        return keyConfigured;
    }

    /** Prints a gateway answer: itself with --json, else in its human form. */
    void print(JsonNode answer) {
        if (json) {
            printJson(answer);
        } else {
            out.print(Renderer.render(answer));
        }
        out.flush();
    }

    void printJson(JsonNode node) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            out.println(node);
        }
    }

    /** A small JSON object for --json output of a command whose answer is not the gateway's. */
    ObjectNode jsonObject(String name, Object value) {
        return JSON.valueToTree(Map.of(name, value));
    }

    /** A line for people: on standard output, but on standard error with --json, so that standard output stays JSON. */
    PrintStream notes() {
        return json ? err : out;
    }

    /**
     * A progress bar on standard error for {@code total} bytes of work, or null: drawn when --progress is given, or when
     * standard error is a terminal and {@code total} is at least {@code threshold}; never with --json or --no-progress.
     */
    ProgressBar progressBar(String label, long total, long threshold) {
        boolean wanted = !json && (progress != null ? progress : interactive && total >= threshold);
        return wanted ? new ProgressBar(label, total, System::nanoTime, err) : null;
    }

    /** A file named on the command line, which must exist and be readable. */
    static Path readable(Path file) {
        if (!Files.exists(file)) {
            throw new CliFailure(ExitCodes.NO_INPUT, "no such file: " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CliFailure(ExitCodes.NO_INPUT, "cannot read " + file + (Files.isDirectory(file) ? ": it is a directory" : ": permission denied"));
        }
        return file;
    }
}
