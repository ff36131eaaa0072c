package dev.refinery.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --flag value} pairs of a command line from a given position (every flag must have its value), and the
 * positional arguments before them.
 */
record FlagValues(String flag, String value) {

    /** The argument at {@code index}, which must be there and not be a flag: "missing NAME" otherwise. */
    static String positional(String[] args, int index, String name) {
        if (args.length <= index || args[index].startsWith("--")) {
            throw new IllegalArgumentException("missing " + name);
        }
        return args[index];
    }

    static List<FlagValues> from(String[] args, int start) {
        List<FlagValues> pairs = new ArrayList<>();
        for (int i = start; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            pairs.add(new FlagValues(args[i], args[i + 1]));
        }
        return pairs;
    }
}
