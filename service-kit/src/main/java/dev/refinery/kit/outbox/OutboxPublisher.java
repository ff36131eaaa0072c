package dev.refinery.kit.outbox;

import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The relay's work on the outbox table, in plain JDBC so that it can be tested on a real PostgreSQL without a
 * framework. One batch is one short local transaction: rows locked {@code FOR UPDATE SKIP LOCKED} in id order (two
 * replicas never send the same row at once), sent one after the other within a deadline, then stamped.
 *
 * <ul>
 *   <li>Order: rows go out in id order; the first one the broker does not acknowledge (unreachable, slow) ends the
 *       batch, so no later event overtakes it. Events of one aggregate are keyed alike and land on one partition in
 *       that order.</li>
 *   <li>A row the broker refuses for good ({@link EventRefusedException}: larger than its limit, an unknown topic) is
 *       parked ({@code parked_at}), counted and logged as an error, and the batch goes on: one bad event never
 *       blocks the ones behind it. Parked rows stay for an operator ({@link #unpark}).</li>
 *   <li>Bounded: a batch stops sending at its deadline, well inside any transaction or lock timeout.</li>
 *   <li>Retention: sent rows older than the retention period are deleted ({@link #prune}).</li>
 * </ul>
 */
public final class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    /** What one batch did. */
    public record BatchResult(int sent, int parked, boolean stoppedEarly) {
        public int handled() {
            return sent + parked;
        }
    }

    private final DataSource dataSource;
    private final EventSender sender;
    private final int batchSize;
    private final Duration batchDeadline;
    private final Duration sendTimeout;

    public OutboxPublisher(DataSource dataSource, EventSender sender, int batchSize, Duration batchDeadline, Duration sendTimeout) {
        this.dataSource = dataSource;
        this.sender = sender;
        this.batchSize = batchSize;
        this.batchDeadline = batchDeadline;
        this.sendTimeout = sendTimeout;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Sends one batch (see the class comment). Must not run inside a JTA transaction: it commits on its own. */
    public BatchResult relayBatch() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                BatchResult result = relay(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private BatchResult relay(Connection c) throws SQLException {
        List<OutboxRow> rows = lockBatch(c);
        long deadline = System.nanoTime() + batchDeadline.toNanos();
        int sent = 0;
        int parked = 0;
        for (OutboxRow row : rows) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new BatchResult(sent, parked, true);
            }
            try {
                sender.send(row, Duration.ofNanos(Math.min(left, sendTimeout.toNanos())));
                mark(c, row, "sent_at = clock_timestamp(), attempts = attempts + 1, last_error = NULL");
                sent++;
            } catch (EventRefusedException refused) {
                LOG.errorf("outbox event %s (%s for %s, %d bytes) refused by the broker for good and parked: %s", row.eventId(), row.topic(),
                        row.aggregateId(), row.payload().length(), refused.getMessage());
                markWithError(c, row, "parked_at = clock_timestamp(), attempts = attempts + 1", refused.getMessage());
                parked++;
            } catch (Exception notNow) {
                if (notNow instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warnf("outbox event %s (%s for %s) not acknowledged, the relay tries again: %s", row.eventId(), row.topic(),
                        row.aggregateId(), String.valueOf(notNow.getMessage()));
                markWithError(c, row, "attempts = attempts + 1", String.valueOf(notNow.getMessage()));
                return new BatchResult(sent, parked, true); // keep order: later events wait for this one
            }
        }
        return new BatchResult(sent, parked, false);
    }

    private List<OutboxRow> lockBatch(Connection c) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, event_id, topic, aggregate_id, ce_type, payload, created_at FROM outbox_event "
                + "WHERE sent_at IS NULL AND parked_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
            ps.setInt(1, batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new OutboxRow(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getObject(7, OffsetDateTime.class)));
                }
            }
        }
        return rows;
    }

    private static void mark(Connection c, OutboxRow row, String set) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox_event SET " + set + " WHERE id = ?")) {
            ps.setLong(1, row.id());
            ps.executeUpdate();
        }
    }

    private static void markWithError(Connection c, OutboxRow row, String set, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox_event SET " + set + ", last_error = ? WHERE id = ?")) {
            ps.setString(1, error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error);
            ps.setLong(2, row.id());
            ps.executeUpdate();
        }
    }

    /** Events not yet acknowledged and not parked. */
    public long backlog() throws SQLException {
        return count("SELECT count(*) FROM outbox_event WHERE sent_at IS NULL AND parked_at IS NULL");
    }

    /** Events the broker refused for good, waiting for an operator. */
    public long parked() throws SQLException {
        return count("SELECT count(*) FROM outbox_event WHERE parked_at IS NOT NULL AND sent_at IS NULL");
    }

    /** Puts a parked event back in line (after the broker's limit was raised, say); false if there is no such parked event. */
    public boolean unpark(UUID eventId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE outbox_event SET parked_at = NULL WHERE event_id = ? AND parked_at IS NOT NULL "
                     + "AND sent_at IS NULL")) {
            ps.setObject(1, eventId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes events sent more than {@code retention} ago; returns how many. */
    public int prune(Duration retention) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM outbox_event WHERE sent_at < clock_timestamp() - ? * interval '1 millisecond'")) {
            ps.setLong(1, retention.toMillis());
            return ps.executeUpdate();
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
