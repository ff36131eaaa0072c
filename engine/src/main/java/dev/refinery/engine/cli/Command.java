package dev.refinery.engine.cli;

import java.io.PrintStream;
import java.util.Set;

/** One sub-command of the engine's command line. */
interface Command {

    String name();

    /** Usage text shown by {@code help} and on a usage error. */
    String usage();

    /** Options that take no value. */
    default Set<String> flags() {
        return Set.of();
    }

    /** Runs the command; returns the process exit code. */
    int run(Args args, PrintStream out);
}
