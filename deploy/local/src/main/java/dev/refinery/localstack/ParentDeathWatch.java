package dev.refinery.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Kills a server when the JVM that started it dies without running its shutdown hooks (kill -9,
 * a crashed or timed-out test fork). A JVM cannot be notified of its own SIGKILL, so a tiny shell
 * loop outside it polls both pids once a second; it exits by itself when the server stops first.
 * The server gets the given signal, then SIGKILL if it is still there 10 s later.
 */
final class ParentDeathWatch {

    private static final String SCRIPT = """
            parent=$1; server=$2; signal=$3
            while kill -0 "$parent" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
            kill -0 "$server" 2>/dev/null || exit 0
            kill -"$signal" "$server" 2>/dev/null
            i=0; while [ $i -lt 10 ] && kill -0 "$server" 2>/dev/null; do sleep 1; i=$((i+1)); done
            kill -KILL "$server" 2>/dev/null
            exit 0
            """;

    private final Process watcher;

    private ParentDeathWatch(Process watcher) {
        this.watcher = watcher;
    }

    static ParentDeathWatch forServer(long serverPid, String signal) {
        return forServer(ProcessHandle.current().pid(), serverPid, signal);
    }

    static ParentDeathWatch forServer(long parentPid, long serverPid, String signal) {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", SCRIPT, "parent-death-watch",
                Long.toString(parentPid), Long.toString(serverPid), signal)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            return new ParentDeathWatch(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the parent-death watch (needs sh)", e);
        }
    }

    /** Called when the server was stopped normally. */
    void cancel() {
        watcher.destroy();
    }
}
