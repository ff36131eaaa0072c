package dev.refinery.kit.lease;

import dev.refinery.kit.testing.KitDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease table on a real PostgreSQL: racing claimers, expiry and takeover, renewal, release and the fence. */
class WorkLeasesTest {

    private static final LeaseKind SHORT = new LeaseKind("test-work", Duration.ofMillis(400), 3, Duration.ofMillis(200), Duration.ofSeconds(2));

    private WorkLeases leases;

    @BeforeEach
    void schema() {
        DataSource ds = KitDatabase.freshSchema();
        leases = new WorkLeases(ds);
    }

    @Test
    void twoClaimersRacingForOneLeaseGetItOnceBetweenThem() throws Exception {
        leases.open("test-work", "w-1");
        int claimers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Lease>>> results = new ArrayList<>();
        for (int i = 0; i < claimers; i++) {
            String holder = "replica-" + i;
            results.add(pool.submit(() -> {
                start.await();
                return leases.claim(SHORT, "w-1", holder);
            }));
        }
        start.countDown();
        List<Lease> won = new ArrayList<>();
        for (Future<Optional<Lease>> r : results) {
            r.get().ifPresent(won::add);
        }
        pool.shutdown();
        assertEquals(1, won.size(), "exactly one claimer gets the work: " + won);
        assertEquals(1, won.get(0).attempt());
        assertEquals("HELD", leases.find("test-work", "w-1").orElseThrow().state());
    }

    @Test
    void aLiveClaimIsLeftAloneAndAnExpiredOneIsTakenOverCountingTheDeadAttempt() throws Exception {
        leases.open("test-work", "w-2");
        Lease first = leases.claim(SHORT, "w-2", "replica-a").orElseThrow();
        assertTrue(leases.claim(SHORT, "w-2", "replica-b").isEmpty(), "a live claim is not taken");
        assertTrue(leases.due("test-work", 10).isEmpty(), "held work is not due");

        Thread.sleep(SHORT.duration().toMillis() + 200);
        assertEquals(List.of("w-2"), leases.due("test-work", 10), "an expired claim is due");
        Lease second = leases.claim(SHORT, "w-2", "replica-b").orElseThrow();
        assertEquals(2, second.attempt());
        assertEquals(1, second.failures(), "the attempt that stopped renewing counts as failed");
        assertTrue(second.lastError().contains("attempt 1 by replica-a"), second.lastError());

        // The first holder is fenced off everywhere.
        assertThrows(LeaseLostException.class, () -> leases.requireHeld(first));
        assertFalse(leases.renew(first, SHORT.duration()));
        assertFalse(leases.complete(first));
        assertFalse(leases.release(first, SHORT, WorkLeases.Release.FAILED, "late"));
        leases.requireHeld(second);
        assertTrue(leases.complete(second));
        assertEquals("DONE", leases.find("test-work", "w-2").orElseThrow().state());
        assertTrue(leases.claim(SHORT, "w-2", "replica-c").isEmpty(), "done work is never claimed again");
    }

    @Test
    void anExpiredClaimThatNobodyTookIsRenewedByItsHolder() throws Exception {
        // A holder cut off from the database for longer than its lease keeps its work if no other process claimed it.
        leases.open("test-work", "w-3");
        Lease lease = leases.claim(SHORT, "w-3", "replica-a").orElseThrow();
        Thread.sleep(SHORT.duration().toMillis() + 200);
        assertTrue(leases.renew(lease, SHORT.duration()));
        assertTrue(leases.claim(SHORT, "w-3", "replica-b").isEmpty());
    }

    @Test
    void aKeeperRenewsLongWorkSoNobodyStartsItAgain() throws Exception {
        leases.open("test-work", "w-4");
        Lease lease = leases.claim(SHORT, "w-4", "replica-a").orElseThrow();
        try (LeaseKeeper keeper = new LeaseKeeper(leases, SHORT)) {
            keeper.hold(lease);
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < until) {
                assertTrue(leases.claim(SHORT, "w-4", "replica-b").isEmpty(), "renewed work is never taken over");
                Thread.sleep(100);
            }
            assertFalse(keeper.isLost(lease));
            Instant heldUntil = leases.find("test-work", "w-4").orElseThrow().heldUntil();
            assertTrue(heldUntil.isAfter(Instant.now()), "held until " + heldUntil);
        }
    }

    @Test
    void aKeeperNoticesItsClaimWasTakenOver() throws Exception {
        leases.open("test-work", "w-5");
        Lease lease = leases.claim(SHORT, "w-5", "replica-a").orElseThrow();
        Thread.sleep(SHORT.duration().toMillis() + 200);
        leases.claim(SHORT, "w-5", "replica-b").orElseThrow();
        try (LeaseKeeper keeper = new LeaseKeeper(leases, SHORT)) {
            keeper.hold(lease);
            keeper.renewAll();
            assertTrue(keeper.isLost(lease));
            assertFalse(keeper.holds("w-5"));
        }
    }

    @Test
    void aTransientReleaseIsNotCountedAndWaitsOutItsBackOff() throws Exception {
        leases.open("test-work", "w-6");
        Lease lease = leases.claim(SHORT, "w-6", "replica-a").orElseThrow();
        assertTrue(leases.release(lease, SHORT, WorkLeases.Release.TRANSIENT, "database away"));
        WorkLeases.Row row = leases.find("test-work", "w-6").orElseThrow();
        assertEquals("OPEN", row.state());
        assertEquals(0, row.failures(), "transient trouble is not the work's fault");
        assertEquals(1, row.retries());
        assertTrue(leases.claim(SHORT, "w-6", "replica-a").isEmpty(), "not before its back-off");
        Thread.sleep(SHORT.backoffBase().toMillis() + 100);
        Lease again = leases.claim(SHORT, "w-6", "replica-a").orElseThrow();
        assertEquals(2, again.attempt());
        assertEquals(0, again.failures());
    }

    @Test
    void aFailedReleaseCountsAndBacksOffLonger() {
        leases.open("test-work", "w-7");
        Lease lease = leases.claim(SHORT, "w-7", "replica-a").orElseThrow();
        assertTrue(leases.release(lease, SHORT, WorkLeases.Release.FAILED, "bad data"));
        WorkLeases.Row row = leases.find("test-work", "w-7").orElseThrow();
        assertEquals(1, row.failures());
        assertEquals("bad data", row.lastError());
        assertTrue(row.nextAt().isAfter(Instant.now()));
    }

    @Test
    void claimNextTakesTheOldestDueWorkAndSkipsWhatIsHeld() {
        leases.open("test-work", "w-8");
        leases.open("test-work", "w-9");
        leases.open("other-kind", "x-1");
        Lease a = leases.claimNext(SHORT, "replica-a").orElseThrow();
        Lease b = leases.claimNext(SHORT, "replica-b").orElseThrow();
        assertEquals("w-8", a.workId());
        assertEquals("w-9", b.workId());
        assertTrue(leases.claimNext(SHORT, "replica-c").isEmpty(), "the other kind is not this kind's work");
    }

    @Test
    void openingTwiceChangesNothingAndCloseEndsUnheldWork() {
        leases.open("test-work", "w-10");
        Lease lease = leases.claim(SHORT, "w-10", "replica-a").orElseThrow();
        leases.open("test-work", "w-10");
        assertEquals("HELD", leases.find("test-work", "w-10").orElseThrow().state());
        leases.close("test-work", "w-10");
        assertEquals("DONE", leases.find("test-work", "w-10").orElseThrow().state());
        assertFalse(leases.renew(lease, SHORT.duration()));
    }
}
