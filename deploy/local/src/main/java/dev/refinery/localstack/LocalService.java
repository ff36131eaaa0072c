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

    /** Stops the server and deletes its data; idempotent, never throws. */
    @Override
    void close();
}
