package dev.refinery.kit.lease;

import dev.refinery.kit.testing.KitDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.refinery.kit.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The worker pool on a real PostgreSQL: outcomes, failures and their limit, transient trouble, and the shutdown rule. */
class LeasedWorkersTest {

    private static final LeaseKind KIND = new LeaseKind("pool-work", Duration.ofMillis(600), 2, Duration.ofMillis(50), Duration.ofMillis(200));

    private WorkLeases leases;
    private LeaseKeeper keeper;
    private LeasedWorkers pool;

    @BeforeEach
    void schema() {
        leases = new WorkLeases(KitDatabase.freshSchema());
        keeper = new LeaseKeeper(leases, KIND);
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.close();
        }
        keeper.close();
    }

    @Test
    void workThatCompletesItsLeaseIsDoneAndNeverRunsAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        pool = new LeasedWorkers("t", 2, leases, keeper, "me", work(ctx -> {
            runs.incrementAndGet();
            assertTrue(leases.complete(ctx.lease()));
            return LeasedWorkers.Outcome.DONE;
        }, (l, r) -> fail("nothing to give up")));
        leases.open(KIND.name(), "a");
        pool.dispatch("a");
        await(() -> "DONE".equals(state("a")));
        pool.dispatch("a");
        Thread.sleep(200);
        assertEquals(1, runs.get());
        assertTrue(keeper.held().isEmpty());
    }

    @Test
    void aFailingAttemptIsRetriedAfterBackOffAndGivenUpAtTheLimitOnce() throws Exception {
        List<String> givenUp = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        pool = new LeasedWorkers("t", 1, leases, keeper, "me", work(ctx -> {
            runs.incrementAndGet();
            throw new IllegalStateException("the data is bad");
        }, (lease, reason) -> {
            givenUp.add(reason);
            leases.complete(lease);
        }));
        leases.open(KIND.name(), "b");
        // The sweeper's part: hand over whatever is due until the work ends.
        await(() -> {
            leases.due(KIND.name(), 10).forEach(pool::dispatch);
            return "DONE".equals(state("b"));
        });
        assertEquals(KIND.maxFailures(), runs.get(), "each attempt ran once");
        assertEquals(1, givenUp.size());
        assertTrue(givenUp.get(0).contains("failed 2 times") && givenUp.get(0).contains("the data is bad"), givenUp.get(0));
    }

    @Test
    void transientTroubleIsRetriedWithoutCountingAgainstTheWork() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        pool = new LeasedWorkers("t", 1, leases, keeper, "me", work(ctx -> {
            if (runs.incrementAndGet() <= 4) {
                throw new IllegalStateException("could not write", new SQLTransientConnectionException("connection refused", "08001"));
            }
            leases.complete(ctx.lease());
            return LeasedWorkers.Outcome.DONE;
        }, (l, r) -> fail("transient trouble must never give the work up: " + r)));
        leases.open(KIND.name(), "c");
        await(() -> {
            leases.due(KIND.name(), 10).forEach(pool::dispatch);
            return "DONE".equals(state("c"));
        });
        assertEquals(5, runs.get(), "four transient failures, more than maxFailures, then success");
        assertEquals(0, leases.find(KIND.name(), "c").orElseThrow().failures());
    }

    @Test
    void shutdownMidWorkGivesTheClaimBackUncountedForTheNextProcess() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        pool = new LeasedWorkers("t", 1, leases, keeper, "me", work(ctx -> {
            running.countDown();
            while (!ctx.stopRequested()) {
                Thread.sleep(20);
            }
            return LeasedWorkers.Outcome.STOPPED; // e.g. a trainer that wrote its checkpoint
        }, (l, r) -> fail("a stop is not a failure")));
        leases.open(KIND.name(), "d");
        pool.dispatch("d");
        assertTrue(running.await(5, TimeUnit.SECONDS));
        pool.shutdown(Duration.ofSeconds(5));
        WorkLeases.Row row = leases.find(KIND.name(), "d").orElseThrow();
        assertEquals("OPEN", row.state());
        assertEquals(0, row.failures());
        Lease next = leases.claim(KIND, "d", "next-process").orElseThrow();
        assertEquals(2, next.attempt(), "claimable at once by the next process");
    }

    @Test
    void workThatOutlivesTheGracePeriodIsGivenBackByTheKeeper() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        pool = new LeasedWorkers("t", 1, leases, keeper, "me", work(ctx -> {
            running.countDown();
            Thread.sleep(5_000); // ignores the stop request
            return LeasedWorkers.Outcome.DONE;
        }, (l, r) -> fail("not a failure")));
        leases.open(KIND.name(), "e");
        pool.dispatch("e");
        assertTrue(running.await(5, TimeUnit.SECONDS));
        pool.shutdown(Duration.ofMillis(100));
        keeper.releaseAll("stopping");
        WorkLeases.Row row = leases.find(KIND.name(), "e").orElseThrow();
        assertEquals("OPEN", row.state());
        assertEquals(0, row.failures());
    }

    @Test
    void workHandedOffStaysHeldAndRenewedUntilLetGo() throws Exception {
        pool = new LeasedWorkers("t", 1, leases, keeper, "me", work(ctx -> LeasedWorkers.Outcome.HANDED_OFF,
                (l, r) -> fail("not a failure")));
        leases.open(KIND.name(), "f");
        pool.dispatch("f");
        await(() -> keeper.holds("f"));
        Thread.sleep(KIND.duration().toMillis() * 2);
        assertTrue(leases.claim(KIND, "f", "other").isEmpty(), "renewed while handed off");
        Lease held = keeper.heldOn("f").orElseThrow();
        assertTrue(leases.complete(held));
        keeper.letGo("f");
        assertEquals("DONE", state("f"));
    }

    private String state(String id) {
        return leases.find(KIND.name(), id).orElseThrow().state();
    }

    private interface Body {
        LeasedWorkers.Outcome run(LeasedWorkers.Context ctx) throws Exception;
    }

    private interface GiveUp {
        void giveUp(Lease lease, String reason);
    }

    private static LeasedWorkers.Work work(Body body, GiveUp giveUp) {
        return new LeasedWorkers.Work() {
            @Override
            public LeasedWorkers.Outcome run(LeasedWorkers.Context context) throws Exception {
                return body.run(context);
            }

            @Override
            public void giveUp(Lease lease, String reason) {
                giveUp.giveUp(lease, reason);
            }
        };
    }
}
