package dev.refinery.localstack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A server whose parent dies is stopped; stand-ins (sleep) play both so no JVM must be killed. */
class ParentDeathWatchTest {

    @Test
    void serverIsStoppedWhenItsParentDies() throws Exception {
        Process parent = new ProcessBuilder("sleep", "300").start();
        Process server = new ProcessBuilder("sleep", "300").start();
        try {
            ParentDeathWatch.forServer(parent.pid(), server.pid(), "TERM");
            parent.destroyForcibly().waitFor();
            assertTrue(server.waitFor(5, TimeUnit.SECONDS), "server still alive 5 s after its parent died");
        } finally {
            parent.destroyForcibly();
            server.destroyForcibly();
        }
    }

    @Test
    void serverOutlivesACancelledWatch() throws Exception {
        Process parent = new ProcessBuilder("sleep", "300").start();
        Process server = new ProcessBuilder("sleep", "300").start();
        try {
            ParentDeathWatch watch = ParentDeathWatch.forServer(parent.pid(), server.pid(), "TERM");
            watch.cancel();
            Thread.sleep(200);
            parent.destroyForcibly().waitFor();
            assertFalse(server.waitFor(2, TimeUnit.SECONDS), "server was killed by a cancelled watch");
        } finally {
            parent.destroyForcibly();
            server.destroyForcibly();
        }
    }
}
