package dev.refinery.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code refinery}: the command-line client of the gateway API, on picocli: {@code refinery NOUN VERB [options]}, with
 * generated help on every command, {@code --json} on every command, human output by default, one-line errors with
 * documented exit codes ({@link ExitCodes}), and shell completion ({@code refinery completion}). The gateway's address
 * comes from {@code --gateway URL} or {@code REFINERY_GATEWAY} (default http://127.0.0.1:8080); the API key from
 * {@code REFINERY_API_KEY} or the file {@link ApiKeySource} names.
 */
public final class RefineryCli {

    private RefineryCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns its exit code. Nothing is thrown: every failure is one line on {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.in, System.getenv(), err == System.err && stderrIsTerminal());
    }

    static int run(String[] args, PrintStream out, PrintStream err, InputStream in, Map<String, String> env, boolean interactive) {
        Cli cli = new Cli(out, err, in, env, interactive);
        CommandLine commandLine = commandLine(cli);
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setExecutionStrategy(parsed -> {
            cli.configure(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        commandLine.setParameterExceptionHandler((e, a) -> fail(err, ExitCodes.USAGE, usageMessage(e)));
        commandLine.setExecutionExceptionHandler((e, c, parsed) -> failure(cli, e));
        try {
            return commandLine.execute(args);
        } catch (RuntimeException e) { // never a stack trace, even from the handlers
            return failure(cli, e);
        } catch (Error e) { // e.g. a native library that does not load (Parquet's DuckDB): still one line
            return fail(err, ExitCodes.SOFTWARE, "internal error: " + e);
        }
    }

    /** The whole command tree, each command with -h/--help, --json and --gateway. */
    static CommandLine commandLine(Cli cli) {
        CommandLine root = GatewayCalls.addTo(new CommandLine(new RootCommand(cli)), cli, RootCommand.CALLS);
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new DatasetCommands(cli)), cli, DatasetCommands.CALLS)
                .addSubcommand(new DatasetCheckCommand(cli)));
        root.addSubcommand(new EstimateCommands(cli));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new FineTuneCommands(cli)), cli, FineTuneCommands.CALLS));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new EvalCommands(cli)), cli, EvalCommands.CALLS));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new ModelCommands(cli)), cli, ModelCommands.CALLS));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new AccessCommands.Keys(cli)), cli, AccessCommands.Keys.CALLS));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new AccessCommands.Projects(cli)), cli, AccessCommands.Projects.CALLS));
        root.addSubcommand(new AccessCommands.Audit(cli));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new WebhookCommands(cli)), cli, WebhookCommands.CALLS));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new GraderCommands(cli)), cli, GraderCommands.CALLS));
        root.addSubcommand(new CaptureCommands(cli));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new ContinuousCommands.Collections(cli)), cli, ContinuousCommands.Collections.CALLS));
        root.addSubcommand(GatewayCalls.addTo(new CommandLine(new ContinuousCommands.Pipelines(cli)), cli, ContinuousCommands.Pipelines.CALLS));
        root.setCaseInsensitiveEnumValuesAllowed(true);
        root.setExpandAtFiles(false); // "@alice" in a correction or a description is text, not a file to read
        root.setUsageHelpWidth(110);
        root.getCommandSpec().usageMessage().footer(ExitCodes.FOOTER);
        addCommonOptions(root);
        return root;
    }

    private static void addCommonOptions(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help and exit").build());
        spec.addOption(OptionSpec.builder("--json").arity("0").type(boolean.class)
                .description("print the answer as JSON (for scripts) instead of the human form").build());
        spec.addOption(OptionSpec.builder("--gateway").paramLabel("URL").type(String.class)
                .description("the gateway (default: REFINERY_GATEWAY, else " + Cli.DEFAULT_GATEWAY + ")").build());
        if (spec.parent() != null && spec.usageMessage().footer().length == 0) {
            spec.usageMessage().footer("", "Exit codes, configuration and completion: refinery --help, docs/cli.md");
        }
        command.getSubcommands().values().forEach(RefineryCli::addCommonOptions);
    }

    private static String usageMessage(ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            List<String> suggestions = unmatched.getSuggestions();
            String what = first.startsWith("-") ? "unknown option " : spec.subcommands().isEmpty() ? "unexpected argument " : "unknown command ";
            message = what + first + (suggestions.isEmpty() ? "" : "; did you mean " + suggestions.get(0) + "?");
        }
        return message + " (" + spec.qualifiedName() + " --help)";
    }

    /** One line and the exit code for whatever a command threw. */
    private static int failure(Cli cli, Exception e) {
        if (e instanceof CliFailure f) {
            return fail(cli.err, f.exitCode(), f.getMessage());
        }
        if (e instanceof ParameterException p) {
            return fail(cli.err, ExitCodes.USAGE, usageMessage(p));
        }
        if (e instanceof GatewayClient.ApiError api) {
            return apiFailure(cli, api);
        }
        if (e instanceof IllegalArgumentException) {
            return fail(cli.err, ExitCodes.USAGE, e.getMessage());
        }
        if (e instanceof UncheckedIOException io) {
            return fail(cli.err, ExitCodes.NO_INPUT, io.getMessage());
        }
        if (e instanceof IllegalStateException) {
            return fail(cli.err, ExitCodes.API_ERROR, e.getMessage());
        }
        return fail(cli.err, ExitCodes.SOFTWARE, "internal error: " + e);
    }

    private static int apiFailure(Cli cli, GatewayClient.ApiError e) {
        if (e.unreachable()) {
            return fail(cli.err, ExitCodes.UNREACHABLE, e.getMessage() + "; is it running? Start it with ./refinery up, "
                    + "or point --gateway / REFINERY_GATEWAY at it");
        }
        String code = e.problem() == null ? "" : e.problem().path("code").asText("");
        if (e.status() == 401 || (e.status() == 403 && code.startsWith("AUTH_"))) {
            String how = "set REFINERY_API_KEY, or REFINERY_API_KEY_FILE, or store a key in ~/.config/refinery/api-key with "
                    + "refinery login < KEYFILE";
            return fail(cli.err, ExitCodes.KEY, e.status() == 401 && !cli.keyConfigured()
                    ? "no API key configured (" + e.getMessage() + "); " + how
                    : "the gateway refused the API key: " + e.getMessage() + "; " + (e.status() == 403
                    ? "use a key with the scope this needs" : how));
        }
        return fail(cli.err, ExitCodes.API_ERROR, e.getMessage());
    }

    private static int fail(PrintStream err, int code, String message) {
        err.println("error: " + String.valueOf(message).replaceAll("\\s*\\R\\s*", " ").strip());
        err.flush();
        return code;
    }

    /** Whether standard error is a terminal (Linux: /proc; elsewhere: whether the JVM has a console). */
    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }
}
