package dev.refinery.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures must say what happened and show the server's last log lines. */
class ReadinessTest {

    @TempDir
    Path dir;

    @Test
    void timeoutNamesTheServerAndShowsItsLog() {
        ChildProcess server = ChildProcess.start("stand-in", List.of("sh", "-c", "echo 'binding port'; exec sleep 30"),
                dir, dir.resolve("stand-in.log"), Duration.ZERO);
        try {
            LocalStackException e = assertThrows(LocalStackException.class,
                    () -> Readiness.await("Kafka broker", "KAFKA_NOT_READY", Duration.ofSeconds(1), server, () -> false));
            assertEquals("KAFKA_NOT_READY", e.code());
            assertTrue(e.getMessage().contains("Kafka broker did not become ready within 1 s; last log lines: "), e.getMessage());
            assertTrue(e.getMessage().contains("binding port"), e.getMessage());
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    @Test
    void deathBeforeReadinessReportsTheExitCode() {
        ChildProcess server = ChildProcess.start("stand-in", List.of("sh", "-c", "echo 'Address already in use'; exit 3"),
                dir, dir.resolve("stand-in.log"), Duration.ZERO);
        LocalStackException e = assertThrows(LocalStackException.class,
                () -> Readiness.await("S3Proxy", "S3_NOT_READY", Duration.ofSeconds(10), server, () -> false));
        assertTrue(e.getMessage().contains("S3Proxy exited with code 3 before it became ready"), e.getMessage());
        assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
    }
}
