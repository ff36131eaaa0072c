package dev.refinery.kit.inbox;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The {@code processed_event} table in plain JDBC (tested on a real PostgreSQL without a framework). Inside a JTA
 * transaction the connection is the transaction's, so the id commits or rolls back with the consumer's effect.
 */
public final class ProcessedEvents {

    private final DataSource dataSource;

    public ProcessedEvents(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records the id; true the first time, false for a repeat (a concurrent first delivery waits for the other to commit). */
    public boolean firstDelivery(String consumer, String eventId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO processed_event (consumer, event_id, processed_at) "
                     + "VALUES (?, ?, clock_timestamp()) ON CONFLICT (consumer, event_id) DO NOTHING")) {
            ps.setString(1, consumer);
            ps.setString(2, eventId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Forgets ids older than {@code retention}. Safe once the broker no longer holds the record (its retention is
     * shorter): nothing can deliver that event again.
     */
    public int prune(Duration retention) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM processed_event WHERE processed_at < clock_timestamp() - ? * interval '1 millisecond'")) {
            ps.setLong(1, retention.toMillis());
            return ps.executeUpdate();
        }
    }
}
