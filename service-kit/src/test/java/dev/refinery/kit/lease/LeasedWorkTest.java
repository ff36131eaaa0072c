package dev.refinery.kit.lease;

import dev.refinery.kit.testing.KitDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.refinery.kit.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A service's kind of leased work on a real PostgreSQL: the sweep hands over what is due, and the one shutdown rule. */
class LeasedWorkTest {

    private static final LeaseKind KIND = new LeaseKind("swept-work", Duration.ofMillis(600), 3, Duration.ofMillis(50), Duration.ofMillis(200));

    private WorkLeases leases;
    private LeasedWork work;
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @BeforeEach
    void schema() {
        leases = new WorkLeases(KitDatabase.freshSchema());
    }

    @AfterEach
    void stop() {
        if (work != null) {
            work.shutdown(Duration.ZERO);
        }
    }

    @Test
    void theSweepRunsNewWorkAndWorkADeadHolderLeftButLeavesALiveHoldersWorkAlone() throws Exception {
        work = new LeasedWork("t", KIND, 2, leases, "me", completing());
        work.open("new");
        work.open("left-by-the-dead");
        work.open("held-by-a-live-replica");
        LeaseKind longClaims = new LeaseKind(KIND.name(), Duration.ofHours(1), 3, Duration.ZERO, Duration.ZERO);
        leases.claim(KIND, "left-by-the-dead", "dead-replica").orElseThrow(); // expires in 600 ms, never renewed
        leases.claim(longClaims, "held-by-a-live-replica", "live-replica").orElseThrow();
        Thread.sleep(KIND.duration().toMillis() + 100);

        assertEquals(2, work.sweep());
        await(() -> ran.size() == 2);
        assertEquals(List.of("left-by-the-dead", "new"), ran.stream().sorted().toList());
        assertEquals("DONE", leases.find(KIND.name(), "left-by-the-dead").orElseThrow().state());
        assertEquals(1, leases.find(KIND.name(), "left-by-the-dead").orElseThrow().failures(), "the dead holder's attempt counts");
        WorkLeases.Row live = leases.find(KIND.name(), "held-by-a-live-replica").orElseThrow();
        assertEquals("HELD", live.state());
        assertEquals("live-replica", live.holder());
        assertEquals(0, work.sweep(), "nothing more is due");
    }

    @Test
    void shutdownGivesRunningWorkTheGraceThenHandsItsClaimBackUncounted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        work = new LeasedWork("t", KIND, 1, leases, "me", new LeasedWorkers.Work() {
            @Override
            public LeasedWorkers.Outcome run(LeasedWorkers.Context context) throws Exception {
                started.countDown();
                while (true) {
                    Thread.sleep(20); // work that never looks at stopRequested(): cut off at the end of the grace period
                }
            }

            @Override
            public void giveUp(Lease lease, String reason) {
                fail("nothing to give up");
            }
        });
        work.open("long");
        assertTrue(work.dispatch("long"));
        assertTrue(started.await(10, TimeUnit.SECONDS));

        work.shutdown(Duration.ofMillis(200));
        WorkLeases.Row row = leases.find(KIND.name(), "long").orElseThrow();
        assertEquals("OPEN", row.state(), "given back, claimable at once by the next process");
        assertEquals(0, row.failures(), "a stop is not the work's fault");
        assertTrue(leases.claim(KIND, "long", "next-process").isPresent());
        work = null;
    }

    private LeasedWorkers.Work completing() {
        return new LeasedWorkers.Work() {
            @Override
            public LeasedWorkers.Outcome run(LeasedWorkers.Context context) {
                if (leases.complete(context.lease())) {
                    ran.add(context.lease().workId()); // after the commit: the test reads the row once this shows
                }
                return LeasedWorkers.Outcome.DONE;
            }

            @Override
            public void giveUp(Lease lease, String reason) {
                fail("nothing to give up: " + reason);
            }
        };
    }
}
