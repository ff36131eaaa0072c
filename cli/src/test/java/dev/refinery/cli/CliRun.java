package dev.refinery.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One run of the command line in the test's JVM, with the environment given (no key unless it names one). */
record CliRun(int code, String out, String err) {

    /** No key: REFINERY_API_KEY_FILE points nowhere, so that the tester's own key file is never read. */
    static final Map<String, String> NO_KEY = Map.of("REFINERY_API_KEY_FILE", "/nonexistent/refinery-test-key");

    static CliRun run(String... args) {
        return run(NO_KEY, args);
    }

    static CliRun run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RefineryCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]), env, false);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
