package dev.refinery.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server run as a child process, its output appended to the component's log. It is stopped by
 * {@link #stop}, by a JVM shutdown hook, or by a {@link ParentDeathWatch} if this JVM is killed.
 */
final class ChildProcess {

    private final String name;
    private final Process process;
    private final Path log;
    private final ParentDeathWatch watch;
    private final Duration stopGrace;
    private final Thread shutdownHook;
    private boolean killed;

    private ChildProcess(String name, Process process, Path log, Duration stopGrace) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stopGrace = stopGrace;
        this.watch = ParentDeathWatch.forServer(process.pid(), "TERM");
        this.shutdownHook = new Thread(this::stop, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** stopGrace: how long {@link #stop()} waits after SIGTERM before SIGKILL. */
    static ChildProcess start(String name, List<String> command, Path workDir, Path log, Duration stopGrace) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            return new ChildProcess(name, builder.start(), log, stopGrace);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** Runs a one-shot command to completion (e.g. formatting Kafka's storage) and returns its exit code. */
    static int runToCompletion(String name, List<String> command, Path workDir, Path log, Duration timeout) {
        ChildProcess child = start(name, command, workDir, log, Duration.ZERO);
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.stop(Duration.ZERO);
                throw new LocalStackException("CHILD_TIMEOUT", name + " did not finish within "
                        + timeout.toSeconds() + " s; last log lines: " + LogTail.of(log));
            }
            return child.process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.stop(Duration.ZERO);
            throw new LocalStackException("INTERRUPTED", "interrupted while waiting for " + name, e);
        } finally {
            child.forget();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    String exitDescription() {
        return process.isAlive() ? "still running" : "exited with code " + process.exitValue();
    }

    boolean stop() {
        return stop(stopGrace);
    }

    /**
     * SIGTERM (servers shut down cleanly on it), then SIGKILL after the grace period.
     * Returns whether it ended without SIGKILL, whoever stopped it (this call or the shutdown hook).
     */
    synchronized boolean stop(Duration grace) {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    killed = true;
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            killed = true;
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            forget();
        }
        return !killed;
    }

    private void forget() {
        watch.cancel();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // We are the hook, or another hook stops us: nothing left to unregister.
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
