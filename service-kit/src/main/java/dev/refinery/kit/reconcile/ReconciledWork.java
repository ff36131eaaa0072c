package dev.refinery.kit.reconcile;

import java.util.Set;

/**
 * What a service that reacts to another service's events declares so that lost events are found: the owner's collection
 * ({@link HttpUpstream}) and which of its items this service has already taken up. At most one per service; the kit's
 * {@link ReconciliationSweep} runs it when {@code refinery.reconcile.upstream-url} is set.
 */
public interface ReconciledWork {

    /** For logs: "uploads", "finished jobs". */
    String name();

    /** The collection's path under the owner's base URL, e.g. {@code /datasets}. */
    String collectionPath();

    /** The item field holding the time the window is about, e.g. {@code createdAt}. */
    String timeField();

    /** More query parameters narrowing the collection to what this service reacts to, or empty. */
    String filter();

    /** Of these ids, the ones this service already knows (a validation run, an evaluation). */
    Set<String> known(Set<String> ids);
}
