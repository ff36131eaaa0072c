package dev.refinery.validation.service;

import dev.refinery.datasets.split.ValidatedObjects;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.check.CheckResult;
import dev.refinery.datasets.check.DatasetChecker;
import dev.refinery.datasets.dedup.EarlierVersions;
import dev.refinery.datasets.report.ReportJson;
import dev.refinery.datasets.split.Split;
import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.LeaseLostException;
import dev.refinery.kit.lease.LeasedWorkers;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.work.TransientFailures;
import dev.refinery.kit.work.TransientRetry;
import dev.refinery.validation.records.ScanResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * One attempt at validating a run, under the run's work lease: stream the raw object from S3 through the validator, write
 * the split files (VALID only) and report.json, then finish the run with its event. Object storage writes come first and
 * overwrite, so an attempt that dies anywhere can simply be repeated. Database steps are retried in place while the
 * database is briefly away (the attempt keeps its lease; the keeper renews it once the database is back); a storage outage
 * gives the run back to be tried again after a back-off; neither counts as a failed attempt. While the file streams, the
 * attempt stops as soon as the lease is lost (another process took the run over) or the service is stopping.
 */
@ApplicationScoped
public class ValidationService implements LeasedWorkers.Work {

    private static final Logger LOG = Logger.getLogger(ValidationService.class);
    private static final String JSONL = "application/x-ndjson";

    @Inject
    ObjectStorage storage;

    @Inject
    ValidationRuns runs;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    @Inject
    CheckSettings settings;

    @Inject
    TransientRetry retry;

    @Override
    public LeasedWorkers.Outcome run(LeasedWorkers.Context context) throws IOException {
        Lease lease = context.lease();
        ValidationTask task = retry.get(() -> runs.attemptBegins(lease)).orElse(null);
        if (task == null) {
            return LeasedWorkers.Outcome.DONE;
        }
        Timer.Sample timer = Timer.start(registry);
        try {
            OffsetDateTime validatedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
            ScanResult result = validateAndStore(task, new StopCheck(context), validatedAt);
            retry.run(() -> runs.finish(lease, result, validatedAt));
            String status = result.valid() ? "VALID" : "INVALID";
            timer.stop(registry.timer("refinery_validation_run_seconds", "status", status));
            registry.counter("refinery_validation_runs_total", "status", status).increment();
            registry.counter("refinery_validation_records_total", "outcome", "valid").increment(result.validRecords());
            registry.counter("refinery_validation_records_total", "outcome", "invalid").increment(result.invalidRecords());
            result.ruleCounts().forEach((code, n) -> registry.counter("refinery_validation_problems_total", "rule", code).increment(n));
            LOG.infof("dataset %s is %s: %d records, %d valid, %d problems (attempt %d)", task.datasetId(), status, result.records(),
                    result.validRecords(), result.problems(), lease.attempt());
        } catch (CheckChoiceException e) {
            retry.run(() -> runs.failed(lease, e.getMessage()));
            registry.counter("refinery_validation_runs_total", "status", "FAILED").increment();
        } catch (AttemptStopped e) {
            LOG.infof("validation of %s stopped: the service is stopping; another attempt starts over", task.datasetId());
            return LeasedWorkers.Outcome.STOPPED;
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof LeaseLostException) && !TransientFailures.isTransient(e)) {
                registry.counter("refinery_validation_attempt_failures_total").increment();
            }
            throw e; // the pool gives the run back: counted unless transient, given up after max-attempts
        }
        return LeasedWorkers.Outcome.DONE;
    }

    /** Every attempt the run was allowed failed (or died): FAILED with the reason, no event. */
    @Override
    public void giveUp(Lease lease, String reason) {
        runs.failed(lease, "gave up: " + reason);
        registry.counter("refinery_validation_runs_total", "status", "FAILED").increment();
    }

    private ScanResult validateAndStore(ValidationTask task, StopCheck stopCheck, OffsetDateTime validatedAt) throws IOException {
        String id = task.datasetId();
        String unreadable = null;
        if (!storage.bucket().equals(task.sourceBucket())) {
            unreadable = "the file is in bucket '" + task.sourceBucket() + "'; this service reads bucket '" + storage.bucket() + "'";
        } else if (!storage.exists(task.sourceKey())) {
            unreadable = "there is no object " + task.sourceKey() + " in bucket " + storage.bucket();
        }
        if (unreadable != null) {
            ScanResult result = ScanResult.unreadable(unreadable);
            storage.put(ValidatedObjects.report(id), json.writeValueAsBytes(Map.of("datasetId", id, "accepted", false,
                    "problems", result.samples())), "application/json");
            return result;
        }
        return checkAndWriteSplits(task, stopCheck);
    }

    /**
     * Streams the raw file through the validator (the shared library), writing kept records to split
     * files as they pass, then stores the splits (VALID only), report.json and the fingerprints a later
     * version of the dataset compares against.
     */
    private ScanResult checkAndWriteSplits(ValidationTask task, StopCheck stopCheck) throws IOException {
        String id = task.datasetId();
        CheckOptions options = settings.options(earlierVersions(id), task.checks(), testSet(task.checks()));
        DatasetChecker checker = new DatasetChecker(options);
        try (SplitFiles splits = SplitFiles.create(id, options.fixedTestSet() != null)) {
            CheckResult check;
            try (InputStream raw = stopCheck.whileReading(storage.open(task.sourceKey()))) {
                check = checker.check(raw, splits::write);
            }
            splits.finishWriting();
            ScanResult result = ScanResult.of(check.report());
            if (result.valid()) {
                for (Split s : Split.values()) {
                    try (InputStream in = stopCheck.whileReading(splits.open(s))) {
                        storage.put(ValidatedObjects.split(id, s), in, JSONL);
                    }
                }
            }
            try (InputStream in = stopCheck.whileReading(splits.openCleanSubset())) {
                storage.put(ValidatedObjects.cleanSubset(id), in, JSONL); // for a clean version, VALID or not
            }
            storage.put(ValidatedObjects.report(id), ReportJson.write(check.report()), "application/json");
            ByteArrayOutputStream fingerprints = new ByteArrayOutputStream();
            EarlierVersions.write(check.fingerprints(), fingerprints);
            storage.put(ValidatedObjects.fingerprints(id), fingerprints.toByteArray(), "application/octet-stream");
            return result;
        }
    }

    /** The fixed test set's file, read from this bucket; a set whose file is gone fails the run (retrying would not bring it back). */
    private CheckOptions.TestSetSource testSet(RunChecks checks) {
        if (!checks.hasFixedTestSet()) {
            return null;
        }
        if (!storage.bucket().equals(checks.testSetBucket()) || !storage.exists(checks.testSetKey())) {
            throw new CheckChoiceException("testSet", "the test set " + checks.testSetDatasetId() + " has no file at "
                    + checks.testSetBucket() + "/" + checks.testSetKey());
        }
        return () -> storage.open(checks.testSetKey());
    }

    private EarlierVersions earlierVersions(String datasetId) throws IOException {
        EarlierVersions earlier = new EarlierVersions();
        for (String version : retry.get(() -> runs.earlierVersions(datasetId))) {
            String key = ValidatedObjects.fingerprints(version);
            if (storage.exists(key)) {
                try (InputStream in = storage.open(key)) {
                    earlier.add(version, in);
                }
            }
        }
        return earlier;
    }

    /**
     * Ends the attempt while the file streams, as soon as its lease is lost or the service is stopping (both are flags in
     * memory, cheap to read per block); the lease itself is renewed by the keeper, not by this stream.
     */
    private static final class StopCheck {
        private final LeasedWorkers.Context context;

        StopCheck(LeasedWorkers.Context context) {
            this.context = context;
        }

        void check() {
            if (context.leaseLost()) {
                throw new LeaseLostException(context.lease());
            }
            if (context.stopRequested()) {
                throw new AttemptStopped();
            }
        }

        InputStream whileReading(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    check();
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    check();
                    return super.read(b, off, len);
                }
            };
        }
    }

    /** The service is stopping: the attempt ends without a result and the run is given back uncounted. */
    private static final class AttemptStopped extends RuntimeException {
        AttemptStopped() {
            super("the service is stopping", null, false, false);
        }
    }
}
