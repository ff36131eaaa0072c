package dev.refinery.validation.service;

import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.validation.config.ValidationConfig;
import dev.refinery.validation.events.DatasetUploaded;
import dev.refinery.validation.events.DatasetValidated;
import dev.refinery.validation.mapping.ReportMapper;
import dev.refinery.validation.records.LineProblem;
import dev.refinery.validation.records.ScanResult;
import dev.refinery.datasets.split.Split;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationProblem;
import dev.refinery.validation.repository.ValidationRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The life of a validation run in the database, one transaction per step: queued (PENDING) by the
 * consumer, claimed (RUNNING) by a worker that heartbeats while it streams, then finished together with
 * its problems and its {@code dataset-validated} event, or re-queued after a failure or a crash.
 */
@ApplicationScoped
public class ValidationRuns {

    private static final Logger LOG = Logger.getLogger(ValidationRuns.class);
    private static final int MAX_ERROR = 2000;

    @Inject
    EntityManager em;

    @Inject
    Outbox outbox;

    @Inject
    ValidationConfig config;

    @Inject
    ObjectStorage storage;

    /**
     * Queues the validation of an uploaded dataset, in the caller's (the consumer's) transaction.
     *
     * @return false when the dataset already has a run (datasets are immutable: one run answers for it)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean queue(DatasetUploaded event) {
        if (ValidationRun.findById(event.datasetId()) != null) {
            return false;
        }
        OffsetDateTime now = now();
        ValidationRun run = new ValidationRun();
        run.datasetId = event.datasetId();
        run.datasetName = event.name();
        run.sourceBucket = event.bucket();
        run.sourceKey = event.objectKey();
        run.parentDatasetId = event.parentDatasetId();
        ReportMapper.copyChecks(event.checks(), run);
        run.status = RunStatus.PENDING;
        run.nextAttemptAt = now;
        run.createdAt = now;
        run.persist();
        return true;
    }

    /** Takes the oldest queued run that is due, if any; concurrent workers (and instances) never take the same one. */
    @Transactional
    public Optional<Claim> claimNext() {
        OffsetDateTime now = now();
        List<ValidationRun> due = em.createQuery(
                        "from ValidationRun where status = :pending and nextAttemptAt <= :now order by nextAttemptAt, createdAt",
                        ValidationRun.class)
                .setParameter("pending", RunStatus.PENDING)
                .setParameter("now", now)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", -2) // SKIP LOCKED
                .setMaxResults(1)
                .getResultList();
        if (due.isEmpty()) {
            return Optional.empty();
        }
        ValidationRun run = due.get(0);
        run.status = RunStatus.RUNNING;
        run.attempts++;
        run.startedAt = now;
        run.heartbeatAt = now;
        return Optional.of(new Claim(run.datasetId, run.sourceBucket, run.sourceKey, run.attempts, ReportMapper.checks(run)));
    }

    /** Shows the run is still being worked on; fails when another worker has taken it over. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void heartbeat(Claim claim) {
        int updated = ValidationRun.update("heartbeatAt = ?1 where datasetId = ?2 and attempts = ?3 and status = ?4",
                now(), claim.datasetId(), claim.attempt(), RunStatus.RUNNING);
        if (updated == 0) {
            throw new RunTakenOverException(claim);
        }
    }

    /**
     * Stores the verdict, the per-rule counts, the kept problems and the {@code dataset-validated} event,
     * all in one transaction.
     *
     * @return false (and changes nothing) when the claim no longer holds the run
     */
    @Transactional
    public boolean finish(Claim claim, ScanResult result, OffsetDateTime validatedAt) {
        ValidationRun run = em.find(ValidationRun.class, claim.datasetId(), LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.status != RunStatus.RUNNING || run.attempts != claim.attempt()) {
            return false;
        }
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
        run.heartbeatAt = null;
        run.lastError = null;
        ValidationProblem.delete("datasetId", run.datasetId); // a previous attempt never commits problems, but be sure
        for (LineProblem p : result.samples()) {
            ReportMapper.toEntity(run.datasetId, p).persist();
        }
        DatasetValidated event = ReportMapper.toEvent(run, storage.bucket());
        outbox.publish(DatasetValidated.TOPIC, run.datasetId, event);
        return true;
    }

    /**
     * Earlier versions of the dataset (same name, validated before this one), oldest first, for the
     * cross-version duplicate check. A clean subset is not a new version of its parent but the parent
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
            ValidationRun parent = ValidationRun.findById(run.parentDatasetId);
            reference = parent != null ? parent : run;
        }
        String parentId = run.parentDatasetId == null ? datasetId : run.parentDatasetId;
        return ValidationRun.<ValidationRun>find("datasetName = ?1 and datasetId <> ?2 and datasetId <> ?3 and status in (?4, ?5) "
                                + "and createdAt < ?6 and (parentDatasetId is null or parentDatasetId <> ?3) order by createdAt",
                        run.datasetName, datasetId, parentId, RunStatus.VALID, RunStatus.INVALID, reference.createdAt)
                .stream().map(r -> r.datasetId).toList();
    }

    /** The dataset's options cannot be used (see {@link CheckChoiceException}): the run fails now, with the reason, instead of retrying. */
    @Transactional
    public boolean giveUp(Claim claim, String reason) {
        ValidationRun run = em.find(ValidationRun.class, claim.datasetId(), LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.status != RunStatus.RUNNING || run.attempts != claim.attempt()) {
            return false;
        }
        run.status = RunStatus.FAILED;
        run.lastError = reason.length() > MAX_ERROR ? reason.substring(0, MAX_ERROR) : reason;
        run.heartbeatAt = null;
        run.finishedAt = now();
        LOG.warnf("validation of %s failed: %s", run.datasetId, reason);
        return true;
    }

    /** The run of a dataset, if this service has seen the dataset. */
    @Transactional
    public Optional<ValidationRun> find(String datasetId) {
        return Optional.ofNullable(ValidationRun.findById(datasetId));
    }

    /** An attempt failed for a reason other than the data (storage, database): queue it again later, or give up. */
    @Transactional
    public RunStatus retryLater(Claim claim, String error) {
        ValidationRun run = em.find(ValidationRun.class, claim.datasetId(), LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.status != RunStatus.RUNNING || run.attempts != claim.attempt()) {
            return run == null ? null : run.status;
        }
        requeueOrGiveUp(run, "attempt " + run.attempts + " failed: " + error);
        return run.status;
    }

    /**
     * Re-queues runs whose worker stopped sending heartbeats (the process crashed or was stopped midway):
     * validation is deterministic and its writes overwrite, so starting again is safe.
     *
     * @return how many runs were re-queued or given up
     */
    @Transactional
    public int requeueAbandoned() {
        OffsetDateTime cutoff = now().minus(config.worker().staleAfter());
        List<ValidationRun> abandoned = em.createQuery(
                        "from ValidationRun where status = :running and heartbeatAt < :cutoff", ValidationRun.class)
                .setParameter("running", RunStatus.RUNNING)
                .setParameter("cutoff", cutoff)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", -2)
                .setMaxResults(100)
                .getResultList();
        for (ValidationRun run : abandoned) {
            LOG.warnf("validation of %s (attempt %d) stopped without finishing; queuing it again", run.datasetId, run.attempts);
            requeueOrGiveUp(run, "attempt " + run.attempts + " stopped without finishing (the worker crashed or was stopped)");
        }
        return abandoned.size();
    }

    private void requeueOrGiveUp(ValidationRun run, String error) {
        run.lastError = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        run.heartbeatAt = null;
        if (run.attempts >= config.worker().maxAttempts()) {
            run.status = RunStatus.FAILED;
            run.finishedAt = now();
            LOG.errorf("validation of %s failed %d times; giving up: %s", run.datasetId, run.attempts, error);
        } else {
            run.status = RunStatus.PENDING;
            run.nextAttemptAt = now().plus(backoff(run.attempts));
            LOG.warnf("validation of %s will be tried again at %s: %s", run.datasetId, run.nextAttemptAt, error);
        }
    }

    /** Wait after {@code failedAttempts} failures: retry-backoff, doubled each time, capped. */
    Duration backoff(int failedAttempts) {
        Duration base = config.worker().retryBackoff();
        Duration max = config.worker().maxRetryBackoff();
        Duration wait = base.multipliedBy(1L << Math.min(Math.max(failedAttempts - 1, 0), 20));
        return wait.compareTo(max) > 0 ? max : wait;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
