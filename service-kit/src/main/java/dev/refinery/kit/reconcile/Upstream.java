package dev.refinery.kit.reconcile;

import java.time.Instant;
import java.util.List;

/**
 * The service that owns the work another service reacts to (ingest-service's uploads for validation, training-service's
 * finished jobs for evaluation), as reconciliation sees it: what reached the announced state in a window of time, and a
 * way to have one item's event announced again.
 */
public interface Upstream {

    /** One item and when it reached the announced state (an upload's creation, a job's end). */
    record Item(String id, Instant at) {
    }

    /** Items that reached the announced state at {@code since} or later and before {@code until}, oldest first, at most {@code limit}. */
    List<Item> between(Instant since, Instant until, int limit);

    /** Asks the owner to publish the item's event again (a new event id, the same content). */
    void announceAgain(String id);
}
