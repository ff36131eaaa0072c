package dev.refinery.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    /** No process has this pid: Linux caps pids far below it. */
    private static final String DEAD_PID = "2000000000";

    @Test
    void runsOfDeadProcessesLoseTheirDataAndOnlyTheNewestFiveRemain(@TempDir Path parent) throws Exception {
        for (int i = 0; i < 7; i++) {
            Files.createDirectories(parent.resolve("run-dead-" + i + "/kafka/data"));
            Files.writeString(parent.resolve("run-dead-" + i + "/owner.pid"), DEAD_PID);
            Files.writeString(parent.resolve("run-dead-" + i + "/kafka.log"), "killed");
            parent.resolve("run-dead-" + i).toFile().setLastModified(1_000_000L * (i + 1));
        }
        Path alive = Files.createDirectories(parent.resolve("run-alive/kafka/data"));
        Files.writeString(parent.resolve("run-alive/owner.pid"), Long.toString(ProcessHandle.current().pid()));

        RunDirectory current = RunDirectory.create(parent);

        assertFalse(Files.exists(parent.resolve("run-dead-0")), "oldest dead run kept");
        assertFalse(Files.exists(parent.resolve("run-dead-1")), "second oldest dead run kept");
        assertTrue(Files.exists(parent.resolve("run-dead-6/kafka.log")), "newest dead run's log deleted");
        assertFalse(Files.exists(parent.resolve("run-dead-6/kafka")), "dead run's data kept");
        assertTrue(Files.exists(alive), "a live run's data was deleted");
        assertTrue(Files.isDirectory(current.root()));
        try (Stream<Path> runs = Files.list(parent)) {
            assertEquals(7, runs.count(), "5 dead + 1 alive + the new run");
        }
    }
}
