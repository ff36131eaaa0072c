package dev.refinery.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the local stack for a local run of the platform and keeps it up until SIGTERM or Ctrl-C:
 * <pre>
 * java -cp "$(cat deploy/local/target/classpath.txt):deploy/local/target/classes" \
 *     dev.refinery.localstack.LocalStackMain run/.stack.env
 * </pre>
 * The env file appears once every server answers and is deleted again on shutdown, so a script
 * may wait for it.
 */
public final class LocalStackMain {

    static final Path DEFAULT_ENV_FILE = Path.of("run", ".stack.env");

    private LocalStackMain() {
    }

    public static void main(String[] args) {
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            System.err.println("usage: LocalStackMain [env-file]   (default " + DEFAULT_ENV_FILE + ")");
            System.exit(2);
        }
        Path envFile = args.length == 1 ? Path.of(args[0]) : DEFAULT_ENV_FILE;
        LocalStack stack;
        try {
            stack = LocalStack.start();
        } catch (RuntimeException e) {
            System.err.println("The local stack did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(stack, envFile, stopped), "local-stack-shutdown"));

        Map<String, String> variables = EnvFile.variables(stack.quarkusConfig());
        EnvFile.write(envFile, variables);
        System.out.println(stack.startupReport());
        // Names only: the values include passwords and keys, and this goes to a log file.
        System.out.println("Settings " + String.join(", ", variables.keySet()) + " written to " + envFile.toAbsolutePath()
                + " (readable by you only); Ctrl-C or SIGTERM stops the stack.");
        awaitShutdown(stopped);
    }

    private static void stop(LocalStack stack, Path envFile, CountDownLatch stopped) {
        System.out.println("Stopping the local stack...");
        try {
            Files.deleteIfExists(envFile);
        } catch (IOException e) {
            System.err.println("Could not delete " + envFile + ": " + e.getMessage());
        }
        stack.close();
        System.out.println("Local stack stopped; logs kept in " + stack.runDirectory());
        stopped.countDown();
    }

    private static void awaitShutdown(CountDownLatch stopped) {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
