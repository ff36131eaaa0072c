package dev.refinery.kit.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The processed-event table that makes consumers idempotent. Call {@link #firstDelivery} at the start
 * of the transaction that applies an event: it records the event id and says whether this is the
 * first time. A repeat (Kafka delivers at least once, the outbox may re-send) returns false and the
 * consumer skips it. If the effect fails, the transaction rolls back and the id is not recorded.
 */
@ApplicationScoped
public class Inbox {

    @Inject
    DataSource dataSource;

    private volatile ProcessedEvents table;

    /**
     * Records {@code eventId} for {@code consumer} in the current transaction.
     *
     * @return true the first time, false when this consumer already applied the event
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(String consumer, String eventId) {
        try {
            return table().firstDelivery(consumer, eventId);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record event " + eventId + " as processed: " + e.getMessage(), e);
        }
    }

    /** Forgets ids processed more than {@code retention} ago; returns how many. */
    public int prune(Duration retention) throws SQLException {
        return table().prune(retention);
    }

    private ProcessedEvents table() {
        ProcessedEvents t = table;
        if (t == null) {
            t = table = new ProcessedEvents(dataSource);
        }
        return t;
    }
}
