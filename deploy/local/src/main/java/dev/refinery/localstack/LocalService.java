package dev.refinery.localstack;

import java.nio.file.Path;
import java.time.Duration;

/** One server of the local stack: started once, on free ports, stopped and cleaned up by close. */
public interface LocalService extends AutoCloseable {

    /** Short name, also the name of its log file: kafka, s3proxy, postgres. */
    String name();

    /**
     * Starts the server and returns once it answers clients. On failure it cleans up what it started
     * and throws {@link LocalStackException} (other exceptions for I/O errors).
     */
    void start();

    /** Wall time {@link #start} took. */
    Duration startupTime();

    Path logFile();

    /**
     * Runs a server's start-up, cleaning up with {@link #close} if it fails, and returns how long it took.
     * Every server starts this way, so a half-started one never leaks processes or data.
     */
    static Duration timedStart(LocalService service, Runnable startUp) {
        long started = System.nanoTime();
        try {
            startUp.run();
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Stops the server and deletes its data; idempotent, never throws. */
    @Override
    void close();
}
