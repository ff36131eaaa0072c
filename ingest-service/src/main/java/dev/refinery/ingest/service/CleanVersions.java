package dev.refinery.ingest.service;

import dev.refinery.datasets.split.ValidatedObjects;
import dev.refinery.ingest.repository.Dataset;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The clean subset of a validated dataset as a dataset of its own: validation-service leaves every kept
 * record of each run in {@code datasets/{id}/validated/clean.jsonl}; this copies that object into a new
 * dataset (same name and check options, {@code parentDatasetId} = the parent) and announces it with
 * {@code dataset-uploaded}, so it is validated like any upload. The copy streams through this service
 * (the event needs the copy's sha256 and line count, which a server-side copy would not give). A parent
 * has at most one clean version: asking again answers the one made.
 */
@ApplicationScoped
public class CleanVersions {

    private static final Logger LOG = Logger.getLogger(CleanVersions.class);

    @Inject
    DatasetService datasets;

    @Inject
    ObjectStorage storage;

    @Inject
    MeterRegistry registry;

    /** The clean version of {@code tenant}'s dataset {@code parentId}; another tenant's parent is not found, like an unknown one. */
    public DatasetService.Upload create(String tenant, String parentId) {
        Dataset parent = datasets.get(Optional.of(tenant), parentId);
        Optional<Dataset> existing = cleanVersionOf(parent.id);
        if (existing.isPresent()) {
            return new DatasetService.Upload(existing.get(), false);
        }
        String source = ValidatedObjects.cleanSubset(parent.id);
        if (!storage.exists(source)) {
            throw ApiException.conflict("DATASET_NOT_VALIDATED", "dataset " + parent.id + " has no clean subset yet: its validation has not "
                    + "finished (or could not read the file). Try again once its validation status is VALID or INVALID.")
                    .with("datasetId", parent.id);
        }
        String id = DatasetService.newId();
        String key = DatasetService.rawKey(id, parent.name);
        MeteredUpload metered;
        try (InputStream in = storage.open(source)) {
            metered = new MeteredUpload(in, Long.MAX_VALUE);
            storage.put(key, metered, "application/x-ndjson");
        } catch (StorageException | java.io.IOException e) {
            datasets.discard(key);
            throw new ApiException(503, "STORAGE_UNAVAILABLE", "Service unavailable", "the clean subset of " + parent.id
                    + " could not be copied: " + e.getMessage());
        }
        if (metered.bytes() == 0) {
            datasets.discard(key);
            throw ApiException.unprocessable("CLEAN_SUBSET_EMPTY", "no record of dataset " + parent.id
                    + " passed validation, so its clean subset is empty; nothing was created").with("datasetId", parent.id);
        }
        Dataset d = DatasetService.written(id, parent.tenant, parent.name, key, storage.bucket(), metered);
        d.checks = parent.checks; // checked the way its parent was
        d.parentDatasetId = parent.id;
        d.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        try {
            datasets.record(d);
        } catch (RuntimeException e) {
            datasets.discard(key);
            // A concurrent request made the clean version first (one per parent): answer with it.
            Optional<Dataset> winner = cleanVersionOf(parent.id);
            if (winner.isPresent()) {
                return new DatasetService.Upload(winner.get(), false);
            }
            throw e;
        }
        registry.counter("refinery_ingest_clean_versions_total").increment();
        LOG.infof("dataset %s is the clean subset of %s: %d bytes, %d lines", d.id, parent.id, d.bytes, d.lines);
        return new DatasetService.Upload(d, true);
    }

    @Transactional
    Optional<Dataset> cleanVersionOf(String parentId) {
        return Dataset.cleanVersionOf(parentId);
    }
}
