package dev.refinery.engine.cli;

import dev.refinery.engine.EngineException;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code refinery-engine}: the engine on its own, from a shell. Exit codes: 0 success, 2 an engine
 * error (printed with its stable code), 64 wrong usage.
 */
public final class EngineCli {

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : new Command[] {new GenerateCommand(), new ScoreCommand(), new FinetuneCommand(), new CompareCommand(),
            new MergeCommand(), new MakeExampleCommand()}) {
            COMMANDS.put(c.name(), c);
        }
    }

    private EngineCli() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            if (argv.length > 1 && COMMANDS.containsKey(argv[1])) {
                out.println(COMMANDS.get(argv[1]).usage());
            } else {
                printOverview(out);
            }
            return 0;
        }
        Command command = COMMANDS.get(argv[0]);
        if (command == null) {
            err.println("error: unknown command '" + argv[0] + "'");
            printOverview(err);
            return 64;
        }
        try {
            Args args = new Args(argv, 1, command.flags());
            return command.run(args, out);
        } catch (Args.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.println(command.usage());
            return 64;
        } catch (EngineException e) {
            err.println("error [" + e.code() + "]: " + e.getMessage());
            return 2;
        }
    }

    private static void printOverview(PrintStream out) {
        out.println("refinery-engine: load, generate, score and fine-tune Llama-architecture models on a CPU");
        out.println();
        out.println("commands:");
        for (Command c : COMMANDS.values()) {
            out.println("  " + c.usage().lines().findFirst().orElse(c.name()));
        }
        out.println();
        out.println("'refinery-engine help COMMAND' shows a command's options.");
    }
}
