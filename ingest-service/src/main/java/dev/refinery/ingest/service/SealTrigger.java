package dev.refinery.ingest.service;

import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.ExampleLedger;
import dev.refinery.kit.problem.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * The automatic seals: "every N new valid examples" ({@code sealEvery}, looked at after examples were stored and committed)
 * and "once the oldest waiting example has waited this long" ({@code sealAfter}, looked at by every replica's sweep). Both
 * seal through {@link CollectionSeals}' own path, with their condition asked again under the collection's lock, so two
 * triggers at once (two replicas' sweeps, a sweep and a count) make one version, and examples that arrived meanwhile wait
 * for their own turn. A seal that fails here is logged and left: the examples wait safely, and the next stored example,
 * the next sweep (a pending earlier version, 409 COLLECTION_VERSION_PENDING, included) or a seal by hand tries again; it
 * never fails the examples' answer. A count reached by a Kafka example is sealed on a thread of its own (one per replica),
 * so the consumer goes on reading while the version is written; the sweep catches up a count whose seal never ran.
 */
@ApplicationScoped
public class SealTrigger {

    private static final Logger LOG = Logger.getLogger(SealTrigger.class);
    /** Answers that mean "not now", not "broken": nothing left, no longer due, or an earlier version without a verdict. */
    private static final Set<String> NOT_NOW = Set.of(CollectionSeals.NOTHING_TO_SEAL, CollectionSeals.NOT_DUE, FrozenTestSet.PENDING);
    /** Collections sealed per sweep at most: the rest are due still at the next one. */
    private static final int SWEEP_BATCH = 100;

    @Inject
    ExampleLedger ledger;

    @Inject
    CollectionSeals seals;

    private final java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "collection-seals");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Seals in the caller's thread (an HTTP batch: its answer waits for the version). */
    public void afterStored(Collection c) {
        if (c.sealEvery != null) {
            sealIfCounted(c);
        }
    }

    /**
     * Seals on the replica's seal thread (a Kafka example: the consumer does not wait); a collection already waiting there
     * is not queued twice.
     */
    public void afterStoredInBackground(Collection c) {
        if (c.sealEvery != null && queued.add(c.id)) {
            background.execute(() -> {
                queued.remove(c.id);
                try {
                    sealIfCounted(c);
                } catch (RuntimeException e) {
                    LOG.warnf("collection %s: the count seal could not be looked at (%s); the sweep tries again", c.id, e.getMessage());
                }
            });
        }
    }

    @PreDestroy
    void stop() {
        background.shutdown();
    }

    private boolean sealIfCounted(Collection c) {
        long waiting = QuarkusTransaction.requiringNew().call(() -> ledger.unsealedCount(c.id));
        return waiting >= c.sealEvery && trySeal(c, (l, locked) -> l.unsealedCount(locked.id) >= c.sealEvery, waiting + " examples wait");
    }

    /** Seals every collection with a {@code sealEvery} whose count is reached (a seal that never ran); how many were sealed. */
    public int sealCounted() {
        List<Collection> due = QuarkusTransaction.requiringNew().call(() -> ledger.dueBySealEvery(SWEEP_BATCH).stream()
                .map(id -> Collection.<Collection>findById(id)).toList());
        int sealed = 0;
        for (Collection c : due) {
            if (c != null && sealIfCounted(c)) {
                sealed++;
            }
        }
        return sealed;
    }

    /** Seals every collection whose {@code sealAfter} has passed for its oldest waiting example; how many were sealed. */
    public int sealWaitedTooLong() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Collection> due = QuarkusTransaction.requiringNew().call(() -> ledger.dueBySealAfter(now, SWEEP_BATCH).stream()
                .map(id -> Collection.<Collection>findById(id)).toList());
        int sealed = 0;
        for (Collection c : due) {
            SealCondition waitedTooLong = (l, locked) -> l.oldestUnsealedAt(locked.id)
                    .map(at -> !at.isAfter(OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(locked.sealAfterSeconds))).orElse(false);
            if (trySeal(c, waitedTooLong, "the oldest waiting example is older than " + c.sealAfterSeconds + " s")) {
                sealed++;
            }
        }
        return sealed;
    }

    private boolean trySeal(Collection c, SealCondition due, String why) {
        try {
            seals.seal(c.tenant, c.id, due);
            return true;
        } catch (ApiException e) {
            if (!NOT_NOW.contains(e.code())) {
                LOG.warnf("collection %s: %s, the seal failed (%s); it is tried again later", c.id, why, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "collection %s: %s, the seal failed; it is tried again later", c.id, why);
        }
        return false;
    }
}
