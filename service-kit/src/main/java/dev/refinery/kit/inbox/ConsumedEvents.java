package dev.refinery.kit.inbox;

import dev.refinery.kit.work.TransientRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How every consumer applies an event: once (its id recorded in the inbox in the transaction of its effect), and, when
 * the effect fails for a transient reason (the database or storage briefly away), again after a back-off in a fresh
 * transaction, for as long as it takes: a valid event is never dead-lettered for the platform's own trouble. An effect
 * that fails otherwise (a {@code MalformedEventException}, a bug) is thrown at once, to the dead-letter topic.
 */
@ApplicationScoped
public class ConsumedEvents {

    @Inject
    Inbox inbox;

    @Inject
    TransientRetry retry;

    /**
     * Applies {@code effect} unless {@code consumer} already applied the event {@code eventId}; must not run inside a
     * transaction. False when the event was a repeat (nothing was done).
     */
    public boolean applyOnce(String consumer, String eventId, Runnable effect) {
        return retry.get(() -> QuarkusTransaction.requiringNew().call(() -> {
            if (!inbox.firstDelivery(consumer, eventId)) {
                return false;
            }
            effect.run();
            return true;
        }));
    }
}
