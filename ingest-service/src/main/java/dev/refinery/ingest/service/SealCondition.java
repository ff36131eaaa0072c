package dev.refinery.ingest.service;

import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.ExampleLedger;

/**
 * Why an automatic seal may go ahead, asked again once the seal holds the collection's lock: between the trigger's look
 * and the lock another seal (another replica's, or one by hand) may have taken the examples that made it due, and the
 * ones arrived since must wait for their own count or window.
 */
@FunctionalInterface
public interface SealCondition {

    /** A seal by hand: whatever waits. */
    SealCondition ALWAYS = (ledger, c) -> true;

    boolean holds(ExampleLedger ledger, Collection c);
}
