package dev.refinery.validation.service;

import dev.refinery.datasets.split.ValidatedObjects;
import dev.refinery.datasets.split.Split;
import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.validation.events.DatasetUploaded;
import dev.refinery.validation.events.DatasetValidated;
import dev.refinery.validation.mapping.ReportMapper;
import dev.refinery.validation.records.LineProblem;
import dev.refinery.validation.records.ScanResult;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationProblem;
import dev.refinery.validation.repository.ValidationRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The life of a validation run in the database, one transaction per step: queued (PENDING, its work lease opened) by the
 * consumer, begun by an attempt that holds the lease, then finished together with its problems, its
 * {@code dataset-validated} event and the lease's completion. Every write of an attempt is fenced by its lease
 * ({@link WorkLeases#requireHeld}): an attempt that was taken over fails with {@code LeaseLostException} and writes nothing.
 */
@ApplicationScoped
public class ValidationRuns {

    /** The work-lease kind of a run; its work id is the dataset id. */
    public static final String LEASE_KIND = "validation-run";
    private static final Logger LOG = Logger.getLogger(ValidationRuns.class);
    private static final int MAX_ERROR = 2000;

    @Inject
    Outbox outbox;

    @Inject
    ObjectStorage storage;

    @Inject
    WorkLeases leases;

    /**
     * Queues the validation of an uploaded dataset and opens its lease, in the caller's (the consumer's) transaction.
     *
     * @return false when the dataset already has a run (datasets are immutable: one run answers for it)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean queue(DatasetUploaded event) {
        if (ValidationRun.findById(event.datasetId()) != null) {
            return false;
        }
        ValidationRun run = new ValidationRun();
        run.datasetId = event.datasetId();
        run.tenant = event.owner();
        run.datasetName = event.name();
        run.sourceBucket = event.bucket();
        run.sourceKey = event.objectKey();
        run.parentDatasetId = event.parentDatasetId();
        run.collectionId = event.collectionId();
        ReportMapper.copyChecks(event.checks(), run);
        run.status = RunStatus.PENDING;
        run.createdAt = now();
        run.persist();
        leases.open(LEASE_KIND, run.datasetId);
        return true;
    }

    /**
     * An attempt begins under {@code lease}: the run is RUNNING with the lease's attempt number. Empty when there is nothing
     * to do (the run is gone or already finished): the lease is then completed.
     */
    @Transactional
    public Optional<ValidationTask> attemptBegins(Lease lease) {
        leases.requireHeld(lease);
        ValidationRun run = ValidationRun.findById(lease.workId());
        if (run == null || run.status.finished()) {
            leases.complete(lease);
            return Optional.empty();
        }
        run.status = RunStatus.RUNNING;
        run.attempts = lease.attempt();
        run.startedAt = now();
        return Optional.of(new ValidationTask(run.datasetId, run.sourceBucket, run.sourceKey, ReportMapper.checks(run)));
    }

    /**
     * Stores the verdict, the per-rule counts, the kept problems and the {@code dataset-validated} event, and completes the
     * lease, all in one transaction.
     *
     * @throws dev.refinery.kit.lease.LeaseLostException when the attempt no longer holds the run (nothing is written)
     */
    @Transactional
    public void finish(Lease lease, ScanResult result, OffsetDateTime validatedAt) {
        leases.requireHeld(lease);
        ValidationRun run = ValidationRun.findById(lease.workId());
        boolean valid = result.valid();
        run.status = valid ? RunStatus.VALID : RunStatus.INVALID;
        run.lines = result.lines();
        run.records = result.records();
        run.validRecords = result.validRecords();
        run.invalidRecords = result.invalidRecords();
        run.problems = result.problems();
        run.trainRecords = valid ? result.splitRecords(Split.TRAIN) : null;
        run.validationRecords = valid ? result.splitRecords(Split.VALIDATION) : null;
        run.testRecords = valid ? result.splitRecords(Split.TEST) : null;
        run.reportKey = ValidatedObjects.report(run.datasetId);
        run.ruleCounts.clear();
        run.ruleCounts.putAll(result.ruleCounts());
        run.finishedAt = validatedAt;
        run.lastError = null;
        ValidationProblem.delete("datasetId", run.datasetId); // a previous attempt never commits problems, but be sure
        for (LineProblem p : result.samples()) {
            ReportMapper.toEntity(run, p).persist();
        }
        DatasetValidated event = ReportMapper.toEvent(run, storage.bucket());
        outbox.publish(DatasetValidated.TOPIC, run.datasetId, event);
        leases.complete(lease);
    }

    /**
     * The run fails for good with the reason, and its lease is completed: its options cannot be used (see
     * {@link CheckChoiceException}), or every attempt it was allowed failed. No event: nothing was validated.
     */
    @Transactional
    public void failed(Lease lease, String reason) {
        leases.requireHeld(lease);
        ValidationRun run = ValidationRun.findById(lease.workId());
        if (run != null && !run.status.finished()) {
            run.status = RunStatus.FAILED;
            run.lastError = reason.length() > MAX_ERROR ? reason.substring(0, MAX_ERROR) : reason;
            run.finishedAt = now();
            LOG.warnf("validation of %s failed: %s", run.datasetId, reason);
        }
        leases.complete(lease);
    }

    /**
     * Earlier versions of the dataset (same tenant and name, validated before this one), oldest first, for the
     * cross-version duplicate check. Only the tenant's own: a duplicate warning must never tell one tenant that a record
     * is in another tenant's data. A clean subset is not a new version of its parent but the parent
     * again, minus its bad records: it is compared with the versions before its parent, never with the
     * parent itself (every one of its records would be a "duplicate" of it).
     */
    @Transactional
    public List<String> earlierVersions(String datasetId) {
        ValidationRun run = ValidationRun.findById(datasetId);
        if (run == null || run.datasetName == null) {
            return List.of();
        }
        ValidationRun reference = run;
        if (run.parentDatasetId != null) {
            ValidationRun parent = ValidationRun.visibleTo(Optional.of(run.tenant), run.parentDatasetId).orElse(null);
            reference = parent != null ? parent : run;
        }
        String parentId = run.parentDatasetId == null ? datasetId : run.parentDatasetId;
        return ValidationRun.<ValidationRun>find("tenant = ?1 and datasetName = ?2 and datasetId <> ?3 and datasetId <> ?4 "
                                + "and status in (?5, ?6) and createdAt < ?7 and (parentDatasetId is null or parentDatasetId <> ?4) "
                                + "order by createdAt",
                        run.tenant, run.datasetName, datasetId, parentId, RunStatus.VALID, RunStatus.INVALID, reference.createdAt)
                .stream().map(r -> r.datasetId).toList();
    }

    /** The run of a dataset, if this service has seen the dataset and {@code tenant} may see it (empty: a service, which sees all). */
    @Transactional
    public Optional<ValidationRun> find(Optional<String> tenant, String datasetId) {
        return ValidationRun.visibleTo(tenant, datasetId);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
