package dev.refinery.validation;

import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.validation.records.ScanResult;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationRun;
import dev.refinery.validation.service.Claim;
import dev.refinery.validation.service.RunTakenOverException;
import dev.refinery.validation.service.ValidationRuns;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run's fencing and retry rules, on rows this test controls (a worker is running too, so these runs
 * point at objects that do not exist; the worker only ever sees them once they are PENDING).
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class ValidationRunsTest {

    @Inject
    ValidationRuns runs;

    private static Claim running(int attempts, OffsetDateTime heartbeat) {
        String id = Fixtures.newDatasetId();
        QuarkusTransaction.requiringNew().run(() -> {
            ValidationRun run = new ValidationRun();
            run.datasetId = id;
            run.sourceBucket = "refinery";
            run.sourceKey = Fixtures.rawKey(id);
            run.status = RunStatus.RUNNING;
            run.attempts = attempts;
            run.createdAt = heartbeat;
            run.startedAt = heartbeat;
            run.heartbeatAt = heartbeat;
            run.nextAttemptAt = heartbeat;
            run.persist();
        });
        return new Claim(id, "refinery", Fixtures.rawKey(id), attempts);
    }

    private static ValidationRun load(String id) {
        return QuarkusTransaction.requiringNew().call(() -> ValidationRun.<ValidationRun>findById(id));
    }

    @Test
    void onlyTheCurrentAttemptCanHeartbeatOrFinishARun() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(5);
        Claim current = running(2, before);
        Claim stale = new Claim(current.datasetId(), current.sourceBucket(), current.sourceKey(), 1);

        runs.heartbeat(current);
        assertTrue(load(current.datasetId()).heartbeatAt.isAfter(before), "the heartbeat moved on");
        assertThrows(RunTakenOverException.class, () -> runs.heartbeat(stale));
        assertFalse(runs.finish(stale, ScanResult.unreadable("test"), OffsetDateTime.now(ZoneOffset.UTC)),
                "an attempt that lost the run cannot finish it");
        assertEquals(RunStatus.RUNNING, load(current.datasetId()).status);

        assertTrue(runs.finish(current, ScanResult.unreadable("test"), OffsetDateTime.now(ZoneOffset.UTC)));
        ValidationRun done = load(current.datasetId());
        assertEquals(RunStatus.INVALID, done.status);
        assertEquals(1L, done.problems);
        assertFalse(runs.finish(current, ScanResult.unreadable("test"), OffsetDateTime.now(ZoneOffset.UTC)), "a run finishes once");
        assertThrows(RunTakenOverException.class, () -> runs.heartbeat(current));
    }

    @Test
    void aFailedAttemptIsRetriedLaterUntilTheAttemptsRunOut() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Claim first = running(1, now);
        assertEquals(RunStatus.PENDING, runs.retryLater(first, "storage unreachable"));
        ValidationRun queued = load(first.datasetId());
        assertTrue(queued.lastError.contains("storage unreachable"), queued.lastError);
        assertTrue(queued.nextAttemptAt.isAfter(now), "it waits before the next attempt");

        Claim last = running(3, now); // %test max-attempts = 3
        assertEquals(RunStatus.FAILED, runs.retryLater(last, "storage unreachable"));
        ValidationRun failed = load(last.datasetId());
        assertEquals(RunStatus.FAILED, failed.status);
        assertNotNull(failed.finishedAt);
    }
}
