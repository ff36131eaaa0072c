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

    /** Applies {@code effect} unless {@code consumer} already applied the event {@code eventId}; must not run inside a transaction. */
    public void applyOnce(String consumer, String eventId, Runnable effect) {
        retry.run(() -> QuarkusTransaction.requiringNew().run(() -> {
            if (inbox.firstDelivery(consumer, eventId)) {
                effect.run();
            }
        }));
    }
}
