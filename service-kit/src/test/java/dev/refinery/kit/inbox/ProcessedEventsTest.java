package dev.refinery.kit.inbox;

import dev.refinery.kit.testing.KitDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inbox on a real PostgreSQL: first delivery, repeats, consumers apart, a racing repeat, rollback, retention. */
class ProcessedEventsTest {

    private DataSource ds;
    private ProcessedEvents inbox;

    @BeforeEach
    void schema() {
        ds = KitDatabase.freshSchema();
        inbox = new ProcessedEvents(ds);
    }

    @Test
    void theFirstDeliveryIsAppliedAndRepeatsAreSkippedPerConsumer() throws Exception {
        assertTrue(inbox.firstDelivery("eval-service", "e-1"));
        assertFalse(inbox.firstDelivery("eval-service", "e-1"));
        assertTrue(inbox.firstDelivery("training-service", "e-1"), "another consumer applies the same event on its own");
    }

    @Test
    void anIdRecordedInATransactionThatRollsBackWasNeverProcessed() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO processed_event (consumer, event_id, processed_at) VALUES ('eval-service', 'e-2', now())");
            c.rollback();
        }
        assertTrue(inbox.firstDelivery("eval-service", "e-2"));
    }

    @Test
    void twoDeliveriesRacingInTwoTransactionsApplyTheEventOnce() throws Exception {
        // The first holds its insert uncommitted; the second waits on the key, then sees the commit and skips.
        CountDownLatch firstInserted = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Boolean> first = pool.submit(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                int n = s.executeUpdate("INSERT INTO processed_event (consumer, event_id, processed_at) VALUES ('c', 'e-3', now()) "
                        + "ON CONFLICT DO NOTHING");
                firstInserted.countDown();
                Thread.sleep(300);
                c.commit();
                return n == 1;
            }
        });
        firstInserted.await();
        Future<Boolean> second = pool.submit(() -> inbox.firstDelivery("c", "e-3"));
        assertNotEquals(first.get(), second.get());
        assertTrue(first.get());
        pool.shutdown();
    }

    @Test
    void idsOlderThanTheRetentionAreForgotten() throws Exception {
        inbox.firstDelivery("c", "old");
        inbox.firstDelivery("c", "new");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE processed_event SET processed_at = processed_at - interval '15 days' WHERE event_id = 'old'");
        }
        assertEquals(1, inbox.prune(Duration.ofDays(14)));
        assertTrue(inbox.firstDelivery("c", "old"), "forgotten");
        assertFalse(inbox.firstDelivery("c", "new"), "kept");
    }
}
