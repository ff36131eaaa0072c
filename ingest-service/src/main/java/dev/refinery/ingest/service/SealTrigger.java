package dev.refinery.ingest.service;

import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.ExampleLedger;
import dev.refinery.kit.problem.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The "every N new valid examples" trigger: after examples were stored (and committed), a collection with
 * {@code sealEvery} seals a version once at least that many wait. The seal is {@link CollectionSeals}' own, so two
 * triggers at once make one version (the second finds nothing left). A seal that fails here is logged and left: the
 * examples wait safely, and the next stored example (or a seal by hand) tries again; it never fails the examples' answer.
 */
@ApplicationScoped
public class SealTrigger {

    private static final Logger LOG = Logger.getLogger(SealTrigger.class);

    @Inject
    ExampleLedger ledger;

    @Inject
    CollectionSeals seals;

    public void afterStored(Collection c) {
        if (c.sealEvery == null) {
            return;
        }
        long waiting = QuarkusTransaction.requiringNew().call(() -> ledger.unsealedCount(c.id));
        if (waiting < c.sealEvery) {
            return;
        }
        try {
            seals.seal(c.tenant, c.id);
        } catch (ApiException e) {
            if (!"COLLECTION_NOTHING_TO_SEAL".equals(e.code()) && !"COLLECTION_VERSION_PENDING".equals(e.code())) {
                LOG.warnf("collection %s: %d examples wait, the seal failed (%s); the next example tries again", c.id, waiting, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "collection %s: %d examples wait, the seal failed; the next example tries again", c.id, waiting);
        }
    }
}
