package dev.refinery.localstack;

import java.time.Duration;

/**
 * Polls a server until it answers, failing early if its process dies and, on timeout, with the
 * tail of its log: "Kafka broker did not become ready within 60 s; last log lines: ...".
 */
final class Readiness {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    @FunctionalInterface
    interface Probe {
        /** True when the server answers; may throw while it is still starting. */
        boolean ready() throws Exception;
    }

    private Readiness() {
    }

    static void await(String what, String code, Duration timeout, ChildProcess process, Probe probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new LocalStackException(code, what + " " + process.exitDescription()
                        + " before it became ready; last log lines: " + LogTail.of(process.log()));
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (Exception e) {
                lastFailure = e;
            }
            sleep(POLL_INTERVAL);
        }
        throw new LocalStackException(code, what + " did not become ready within " + timeout.toSeconds()
                + " s" + (lastFailure == null ? "" : " (last probe: " + lastFailure + ")")
                + "; last log lines: " + LogTail.of(process.log()), lastFailure);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("INTERRUPTED", "interrupted while waiting for a local server", e);
        }
    }
}
