package dev.refinery.cli;

import java.util.ArrayList;
import java.util.List;

/** The {@code --flag value} pairs of a command line from a given position: every flag must have its value. */
record FlagValues(String flag, String value) {

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
