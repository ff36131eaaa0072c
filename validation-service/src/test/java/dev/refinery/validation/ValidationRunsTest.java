package dev.refinery.validation;

import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.LeaseKind;
import dev.refinery.kit.lease.LeaseLostException;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.validation.records.ScanResult;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationRun;
import dev.refinery.validation.service.ValidationRuns;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run's fencing and retry rules on its work lease, on rows this test controls. The service's worker is running too:
 * these runs point at objects that do not exist, and their leases are held by this test's holders (long claims, never
 * due) until a test hands one to the worker on purpose.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class ValidationRunsTest {

    /** The test's claims: an hour long, so the service's sweeper never sees them as due. */
    private static final LeaseKind TEST_CLAIMS = new LeaseKind(ValidationRuns.LEASE_KIND, Duration.ofHours(1), 3, Duration.ZERO, Duration.ZERO);

    @Inject
    ValidationRuns runs;

    @Inject
    WorkLeases leases;

    @Inject
    EntityManager em;

    @Test
    void onlyTheAttemptHoldingTheLeaseCanWriteTheRunAndItFinishesOnce() {
        String id = Fixtures.newDatasetId();
        Lease stale = QuarkusTransaction.requiringNew().call(() -> {
            insertRun(id);
            leases.open(ValidationRuns.LEASE_KIND, id);
            return leases.claim(TEST_CLAIMS, id, "worker-that-will-look-dead").orElseThrow();
        });
        // Its claim expires and another process takes the run over, in one transaction so the service's sweeper cannot step in.
        Lease current = QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("UPDATE work_lease SET held_until = clock_timestamp() - interval '1 second' WHERE work_id = ?1")
                    .setParameter(1, id).executeUpdate();
            return leases.claim(TEST_CLAIMS, id, "worker-that-took-over").orElseThrow();
        });
        assertEquals(2, current.attempt());

        assertThrows(LeaseLostException.class, () -> runs.attemptBegins(stale), "a taken-over attempt cannot begin");
        assertThrows(LeaseLostException.class, () -> runs.finish(stale, ScanResult.unreadable("test"), OffsetDateTime.now(ZoneOffset.UTC)),
                "nor finish the run");
        assertEquals(RunStatus.PENDING, load(id).status);

        assertTrue(runs.attemptBegins(current).isPresent());
        assertEquals(RunStatus.RUNNING, load(id).status);
        assertEquals(2, load(id).attempts);
        runs.finish(current, ScanResult.unreadable("test"), OffsetDateTime.now(ZoneOffset.UTC));
        ValidationRun done = load(id);
        assertEquals(RunStatus.INVALID, done.status);
        assertEquals(1L, done.problems);
        assertEquals("DONE", leases.find(ValidationRuns.LEASE_KIND, id).orElseThrow().state(), "completed with the result");
        assertThrows(LeaseLostException.class, () -> runs.finish(current, ScanResult.unreadable("test"), OffsetDateTime.now(ZoneOffset.UTC)),
                "a run finishes once");
    }

    @Test
    void aRunWaitingForItsNextAttemptIsPendingWithTheLastAttemptsError() {
        String id = Fixtures.newDatasetId();
        QuarkusTransaction.requiringNew().run(() -> {
            insertRun(id);
            em.createNativeQuery("INSERT INTO work_lease (kind, work_id, state, attempt, failures, next_at, last_error, created_at, updated_at) "
                            + "VALUES ('validation-run', ?1, 'OPEN', 1, 1, clock_timestamp() + interval '1 hour', "
                            + "'attempt 1 failed: storage unreachable', clock_timestamp(), clock_timestamp())")
                    .setParameter(1, id).executeUpdate();
        });
        Fixtures.awaitReport(id, "PENDING").body("lastError", equalTo("attempt 1 failed: storage unreachable"));
    }

    @Test
    void aRunWhoseAttemptsAllFailedIsGivenUpAsFailedWithTheReason() {
        String id = Fixtures.newDatasetId();
        // Two attempts failed already (%test max-attempts = 3), and a third one's process died holding the run.
        QuarkusTransaction.requiringNew().run(() -> {
            insertRun(id);
            em.createNativeQuery("INSERT INTO work_lease (kind, work_id, state, attempt, failures, holder, held_until, next_at, last_error, "
                            + "created_at, updated_at) VALUES ('validation-run', ?1, 'HELD', 3, 2, 'dead-worker', "
                            + "clock_timestamp() - interval '1 minute', clock_timestamp(), 'attempt 2 failed: boom', clock_timestamp(), clock_timestamp())")
                    .setParameter(1, id).executeUpdate();
        });

        Fixtures.awaitReport(id).body("status", equalTo("FAILED"))
                .body("lastError", containsString("gave up: failed 3 times"))
                .body("lastError", containsString("dead-worker stopped without finishing"));
        ValidationRun failed = load(id);
        assertNotNull(failed.finishedAt);
        assertEquals("DONE", leases.find(ValidationRuns.LEASE_KIND, id).orElseThrow().state());
    }

    private static void insertRun(String id) {
        ValidationRun run = new ValidationRun();
        run.datasetId = id;
        run.tenant = "default";
        run.sourceBucket = "refinery";
        run.sourceKey = Fixtures.rawKey(id);
        run.status = RunStatus.PENDING;
        run.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        run.persist();
    }

    private static ValidationRun load(String id) {
        return QuarkusTransaction.requiringNew().call(() -> ValidationRun.<ValidationRun>findById(id));
    }
}
