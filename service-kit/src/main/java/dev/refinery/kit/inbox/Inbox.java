package dev.refinery.kit.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The processed-event table that makes consumers idempotent. Call {@link #firstDelivery} at the start
 * of the transaction that applies an event: it records the event id and says whether this is the
 * first time. A repeat (Kafka delivers at least once, the outbox may re-send) returns false and the
 * consumer skips it. If the effect fails, the transaction rolls back and the id is not recorded.
 */
@ApplicationScoped
public class Inbox {

    @Inject
    EntityManager em;

    /**
     * Records {@code eventId} for {@code consumer} in the current transaction.
     *
     * @return true the first time, false when this consumer already applied the event
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(String consumer, String eventId) {
        int inserted = em.createNativeQuery(
                        "INSERT INTO {h-schema}processed_event (consumer, event_id, processed_at) VALUES (?1, ?2, now()) "
                                + "ON CONFLICT (consumer, event_id) DO NOTHING")
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .executeUpdate();
        return inserted == 1;
    }
}
