package dev.refinery.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.CollectionVersion;
import dev.refinery.ingest.repository.Dataset;
import dev.refinery.ingest.repository.ExampleLedger;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Seals a collection by hand: the examples stored since the last seal, in the order they arrived, become an immutable
 * dataset (JSONL in object storage, a {@link Dataset} row with the collection's name and check options, announced with
 * {@code dataset-uploaded} through the outbox exactly like an upload), and the collection records it as its next version
 * with the previous one and the producers whose examples went in.
 *
 * <p>Why the dataset's {@code parentDatasetId} stays empty: in this service it means "the clean subset of", and
 * validation-service compares such a dataset with the versions before its parent, never with the parent. A sealed
 * version is a new version under the collection's name, so validation-service compares it with every earlier version,
 * the previous one included, and catches duplicates across versions. The lineage is the collection's
 * ({@code collection_version}).
 *
 * <p>One seal of a collection at a time (a row lock that does not stop examples arriving), and the whole seal in one
 * transaction: the object is written, then the dataset, its event, the version and the examples' mark commit together,
 * or none of them does (the object is then removed). Each example is sealed once.
 */
@ApplicationScoped
public class CollectionSeals {

    public static final String NOTHING_TO_SEAL = "COLLECTION_NOTHING_TO_SEAL";
    /** Internal: an automatic seal's condition no longer held under the lock. Never answered to a caller. */
    public static final String NOT_DUE = "COLLECTION_SEAL_NOT_DUE";
    private static final Logger LOG = Logger.getLogger(CollectionSeals.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 1000;
    /** A seal streams its examples inside its transaction; this bounds how long a very large one may take. */
    private static final int TIMEOUT_SECONDS = 600;

    @Inject
    CollectionService collections;

    @Inject
    DatasetService datasets;

    @Inject
    ExampleLedger ledger;

    @Inject
    ObjectStorage storage;

    @Inject
    MeterRegistry registry;

    /** A seal's outcome: the version and the dataset it made. */
    public record Sealed(CollectionVersion version, Dataset dataset) {
    }

    public Sealed seal(String tenant, String collectionId) {
        return seal(tenant, collectionId, SealCondition.ALWAYS);
    }

    /**
     * Seals only if {@code due} still holds under the collection's lock; else 422 {@link #NOT_DUE} and nothing is made
     * (the automatic triggers' path: they swallow it).
     */
    public Sealed seal(String tenant, String collectionId, SealCondition due) {
        Collection c = collections.require(tenant, collectionId);
        String id = DatasetService.newId();
        String key = DatasetService.rawKey(id, c.name);
        try {
            Sealed sealed = QuarkusTransaction.requiringNew().timeout(TIMEOUT_SECONDS).call(() -> sealLocked(c, id, key, due));
            registry.counter("refinery_ingest_collection_seals_total").increment();
            LOG.infof("collection %s sealed as version %d: dataset %s, %d examples", c.id, sealed.version().version, id, sealed.version().examples);
            return sealed;
        } catch (RuntimeException e) {
            datasets.discard(key);
            throw e;
        }
    }

    private Sealed sealLocked(Collection c, String id, String key, SealCondition due) {
        if (due == SealCondition.ALWAYS) {
            ledger.lockForSeal(c.id); // by hand: wait for a seal under way, then seal what is left
        } else if (!ledger.tryLockForSeal(c.id)) {
            throw ApiException.unprocessable(NOT_DUE, "collection " + c.id + " is being sealed right now");
        }
        if (ledger.unsealed(c.id, 0, 1).isEmpty()) {
            throw ApiException.unprocessable(NOTHING_TO_SEAL, "collection " + c.id + " has no examples since its last seal; "
                    + "nothing was created").with("collectionId", c.id);
        }
        if (!due.holds(ledger, c)) {
            throw ApiException.unprocessable(NOT_DUE, "collection " + c.id + " is not due for an automatic seal any more");
        }
        // validated with the options its examples were checked with on arrival, and the frozen test split (known before a byte is written)
        String checks = FrozenTestSet.checksOfNextVersion(c, CollectionVersion.oldestFirst(c.id), storage.bucket(), storage::exists);
        SealedLines lines = new SealedLines(after -> ledger.unsealed(c.id, after, PAGE));
        MeteredUpload metered;
        Path spool = null;
        try {
            // Spooled to a local file first: the object store's client reads its stream on threads of its own, where this
            // transaction (and so the page reads) is not active. Memory stays flat either way.
            spool = Files.createTempFile("seal-" + c.id, ".jsonl");
            Files.copy(lines, spool, StandardCopyOption.REPLACE_EXISTING);
            try (InputStream in = Files.newInputStream(spool)) {
                metered = new MeteredUpload(in, Long.MAX_VALUE);
                storage.put(key, metered, "application/x-ndjson");
            }
        } catch (StorageException | IOException e) {
            throw new ApiException(503, "STORAGE_UNAVAILABLE", "Service unavailable", "the examples of " + c.id
                    + " could not be written to object storage: " + e.getMessage());
        } finally {
            deleteQuietly(spool);
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        Dataset d = DatasetService.written(id, c.tenant, c.name, key, storage.bucket(), metered);
        CollectionVersion previous = CollectionVersion.latest(c.id).orElse(null);
        d.checks = checks;
        d.collectionId = c.id;
        d.createdAt = now;
        datasets.record(d);
        List<Long> ids = lines.ids();
        for (int from = 0; from < ids.size(); from += PAGE) {
            ledger.markSealed(ids.subList(from, Math.min(ids.size(), from + PAGE)), d.id);
        }
        CollectionVersion v = new CollectionVersion();
        v.collectionId = c.id;
        v.version = previous == null ? 1 : previous.version + 1;
        v.datasetId = d.id;
        v.previousDatasetId = previous == null ? null : previous.datasetId;
        v.examples = ids.size();
        v.producers = json(List.copyOf(lines.producers()));
        v.sealedAt = now;
        v.persist();
        return new Sealed(v, d);
    }

    /** The collection's versions, newest first. */
    @Transactional
    public List<CollectionVersion> versions(String tenant, String collectionId) {
        return CollectionVersion.newest(collections.require(tenant, collectionId).id);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("could not remove the seal's spool file %s: %s", file, e.getMessage());
        }
    }

    private static String json(List<String> producers) {
        try {
            return JSON.writeValueAsString(producers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("producer ids could not be written as JSON", e);
        }
    }
}
