package dev.refinery.kit.reconcile;

import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What a service that reacts to another service's events declares (as a CDI bean, at most one) so that lost events are
 * found: the owner's collection ({@link HttpUpstream}) and which of its items this service has already taken up. The
 * kit's {@link ReconciliationSweep} runs it when {@code refinery.reconcile.upstream-url} is set.
 *
 * @param name           for logs: "uploads", "finished jobs"
 * @param collectionPath the collection's path under the owner's base URL, e.g. {@code /datasets}
 * @param timeField      the item field holding the time the window is about, e.g. {@code createdAt}
 * @param filter         more query parameters narrowing the collection to what this service reacts to, or empty
 * @param known          of the given ids, the ones this service already knows (a validation run, an evaluation)
 */
public record ReconciledWork(String name, String collectionPath, String timeField, String filter, UnaryOperator<Set<String>> known) {
}
