package dev.refinery.kit.outbox;

import dev.refinery.kit.testing.KitDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox relay's table work on a real PostgreSQL, with a broker stand-in that can refuse, stall or be slow. */
class OutboxPublisherTest {

    private DataSource ds;
    private final List<String> delivered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void schema() {
        ds = KitDatabase.freshSchema();
    }

    @Test
    void eventsGoOutInIdOrderAndAreStampedOnlyOnceAcknowledged() throws Exception {
        List<String> ids = insert(5, "job-1");
        OutboxPublisher publisher = publisher((row, timeout) -> delivered.add(row.aggregateId() + "#" + row.eventId()), 100, Duration.ofSeconds(5));
        OutboxPublisher.BatchResult result = publisher.relayBatch();
        assertEquals(5, result.sent());
        assertEquals(ids, delivered.stream().map(d -> d.substring(d.indexOf('#') + 1)).toList());
        assertEquals(0, publisher.backlog());
        assertEquals(0, publisher.relayBatch().handled(), "nothing is sent twice");
    }

    @Test
    void anEventTheBrokerRefusesForGoodIsParkedAndTheOnesBehindItStillGoOut() throws Exception {
        List<String> ids = insert(4, "job-2");
        String tooLarge = ids.get(1);
        OutboxPublisher publisher = publisher((row, timeout) -> {
            if (row.eventId().toString().equals(tooLarge)) {
                throw new EventRefusedException("RecordTooLargeException: the message is 1258291 bytes", null);
            }
            delivered.add(row.eventId().toString());
        }, 100, Duration.ofSeconds(5));
        OutboxPublisher.BatchResult result = publisher.relayBatch();
        assertEquals(3, result.sent());
        assertEquals(1, result.parked());
        assertEquals(List.of(ids.get(0), ids.get(2), ids.get(3)), delivered);
        assertEquals(1, publisher.parked());
        assertEquals(0, publisher.backlog(), "a parked event is not the backlog: it blocks nothing");
        assertEquals("RecordTooLargeException: the message is 1258291 bytes", column(tooLarge, "last_error"));

        // An operator raised the limit: unparked, it goes out at the next pass.
        OutboxPublisher fixed = publisher((row, timeout) -> delivered.add(row.eventId().toString()), 100, Duration.ofSeconds(5));
        assertTrue(fixed.unpark(UUID.fromString(tooLarge)));
        assertEquals(1, fixed.relayBatch().sent());
        assertEquals(tooLarge, delivered.get(delivered.size() - 1));
        assertEquals(0, fixed.parked());
    }

    @Test
    void aBrokerThatDoesNotAcknowledgeEndsTheBatchSoNoLaterEventOvertakes() throws Exception {
        List<String> ids = insert(5, "job-3");
        boolean[] brokerAway = {true};
        OutboxPublisher publisher = publisher((row, timeout) -> {
            if (brokerAway[0] && row.eventId().toString().equals(ids.get(2))) {
                throw new java.util.concurrent.TimeoutException("no acknowledgement in " + timeout);
            }
            delivered.add(row.eventId().toString());
        }, 100, Duration.ofSeconds(5));
        OutboxPublisher.BatchResult first = publisher.relayBatch();
        assertEquals(2, first.sent());
        assertTrue(first.stoppedEarly());
        assertEquals(3, publisher.backlog());
        assertEquals("1", column(ids.get(2), "attempts"));

        brokerAway[0] = false;
        assertEquals(3, publisher.relayBatch().sent());
        assertEquals(ids, delivered, "every event once, in order");
    }

    @Test
    void aBatchStopsSendingAtItsDeadline() throws Exception {
        insert(20, "job-4");
        OutboxPublisher publisher = publisher((row, timeout) -> {
            Thread.sleep(60);
            delivered.add(row.eventId().toString());
        }, 100, Duration.ofMillis(300));
        long started = System.nanoTime();
        OutboxPublisher.BatchResult result = publisher.relayBatch();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(result.stoppedEarly());
        assertTrue(result.sent() >= 2 && result.sent() < 20, "sent " + result.sent());
        assertTrue(tookMs < 1_500, "the batch ended near its deadline, took " + tookMs + " ms");
        assertEquals(20 - result.sent(), publisher.backlog());
    }

    @Test
    void twoRelaysSideBySideNeverSendARowTwice() throws Exception {
        insert(60, "job-5");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<String> twice = new CopyOnWriteArrayList<>();
        EventSender sender = (row, timeout) -> {
            Thread.sleep(2);
            if (!seen.add(row.eventId().toString())) {
                twice.add(row.eventId().toString());
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> relays = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            OutboxPublisher p = publisher(sender, 10, Duration.ofSeconds(5));
            relays.add(pool.submit(() -> {
                while (p.relayBatch().handled() > 0) {
                    // until the outbox is empty
                }
                return null;
            }));
        }
        for (Future<?> f : relays) {
            f.get();
        }
        pool.shutdown();
        assertEquals(60, seen.size());
        assertEquals(Collections.emptyList(), twice);
    }

    @Test
    void sentEventsArePrunedAfterTheirRetentionAndUnsentOnesNever() throws Exception {
        List<String> ids = insert(3, "job-6");
        OutboxPublisher publisher = publisher((row, timeout) -> {
            if (row.eventId().toString().equals(ids.get(2))) {
                throw new java.io.IOException("broker away");
            }
        }, 100, Duration.ofSeconds(5));
        publisher.relayBatch();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE outbox_event SET sent_at = sent_at - interval '8 days' WHERE event_id = '" + ids.get(0) + "'");
        }
        assertEquals(1, publisher.prune(Duration.ofDays(7)));
        assertFalse(exists(ids.get(0)));
        assertTrue(exists(ids.get(1)), "sent recently: kept");
        assertTrue(exists(ids.get(2)), "never sent: kept");
    }

    private OutboxPublisher publisher(EventSender sender, int batch, Duration deadline) {
        return new OutboxPublisher(ds, sender, batch, deadline, Duration.ofSeconds(1));
    }

    private List<String> insert(int n, String aggregate) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO outbox_event (id, event_id, topic, aggregate_id, ce_type, payload, created_at) "
                     + "VALUES (nextval('outbox_event_seq') + ?, ?, 'job-completed', ?, 'refinery.job-completed.v1', '{}', now())")) {
            for (int i = 0; i < n; i++) {
                UUID id = UUID.randomUUID();
                ps.setInt(1, 0);
                ps.setObject(2, id);
                ps.setString(3, aggregate);
                ps.executeUpdate();
                ids.add(id.toString());
            }
        }
        return ids;
    }

    private String column(String eventId, String column) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + column + " FROM outbox_event WHERE event_id = '" + eventId + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private boolean exists(String eventId) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM outbox_event WHERE event_id = '" + eventId + "'")) {
            return rs.next();
        }
    }
}
