package dev.refinery.validation.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.check.CheckResult;
import dev.refinery.datasets.check.DatasetChecker;
import dev.refinery.datasets.dedup.EarlierVersions;
import dev.refinery.datasets.report.ReportJson;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.validation.config.ValidationConfig;
import dev.refinery.validation.records.ScanResult;
import dev.refinery.datasets.split.Split;
import dev.refinery.validation.repository.RunStatus;
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
 * One attempt at validating a claimed run: stream the raw object from S3 through {@link DatasetScan},
 * write the split files (VALID only) and report.json, then finish the run with its event. Object
 * storage writes come first and overwrite, so an attempt that dies anywhere can simply be repeated.
 */
@ApplicationScoped
public class ValidationService {

    private static final Logger LOG = Logger.getLogger(ValidationService.class);
    private static final String JSONL = "application/x-ndjson";

    @Inject
    ObjectStorage storage;

    @Inject
    ValidationRuns runs;

    @Inject
    ValidationConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    @Inject
    CheckSettings settings;

    public void attempt(Claim claim) {
        Timer.Sample timer = Timer.start(registry);
        try {
            OffsetDateTime validatedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
            ScanResult result = validateAndStore(claim, validatedAt);
            if (!runs.finish(claim, result, validatedAt)) {
                LOG.infof("validation of %s attempt %d finished after the run was taken over; its result is dropped",
                        claim.datasetId(), claim.attempt());
                return;
            }
            String status = result.valid() ? "VALID" : "INVALID";
            timer.stop(registry.timer("refinery_validation_run_seconds", "status", status));
            registry.counter("refinery_validation_runs_total", "status", status).increment();
            registry.counter("refinery_validation_records_total", "outcome", "valid").increment(result.validRecords());
            registry.counter("refinery_validation_records_total", "outcome", "invalid").increment(result.invalidRecords());
            result.ruleCounts().forEach((code, n) -> registry.counter("refinery_validation_problems_total", "rule", code).increment(n));
            LOG.infof("dataset %s is %s: %d records, %d valid, %d problems", claim.datasetId(), status, result.records(),
                    result.validRecords(), result.problems());
        } catch (CheckChoiceException e) {
            if (runs.giveUp(claim, e.getMessage())) {
                registry.counter("refinery_validation_runs_total", "status", "FAILED").increment();
            }
        } catch (RunTakenOverException e) {
            LOG.infof("validation of %s attempt %d stopped: %s", claim.datasetId(), claim.attempt(), e.getMessage());
        } catch (Exception e) {
            registry.counter("refinery_validation_attempt_failures_total").increment();
            RunStatus now = runs.retryLater(claim, e.getClass().getSimpleName() + ": " + e.getMessage());
            if (now == RunStatus.FAILED) {
                registry.counter("refinery_validation_runs_total", "status", "FAILED").increment();
            }
        }
    }

    private ScanResult validateAndStore(Claim claim, OffsetDateTime validatedAt) throws IOException {
        String id = claim.datasetId();
        String unreadable = null;
        if (!storage.bucket().equals(claim.sourceBucket())) {
            unreadable = "the file is in bucket '" + claim.sourceBucket() + "'; this service reads bucket '" + storage.bucket() + "'";
        } else if (!storage.exists(claim.sourceKey())) {
            unreadable = "there is no object " + claim.sourceKey() + " in bucket " + storage.bucket();
        }
        if (unreadable != null) {
            ScanResult result = ScanResult.unreadable(unreadable);
            storage.put(ValidatedObjects.report(id), json.writeValueAsBytes(Map.of("datasetId", id, "accepted", false,
                    "problems", result.samples())), "application/json");
            return result;
        }
        return checkAndWriteSplits(claim);
    }

    /**
     * Streams the raw file through the validator (the shared library), writing kept records to split
     * files as they pass, then stores the splits (VALID only), report.json and the fingerprints a later
     * version of the dataset compares against.
     */
    private ScanResult checkAndWriteSplits(Claim claim) throws IOException {
        String id = claim.datasetId();
        CheckOptions options = settings.options(earlierVersions(id), claim.checks(), testSet(claim.checks()));
        DatasetChecker checker = new DatasetChecker(options);
        Heartbeat heartbeat = new Heartbeat(claim);
        try (SplitFiles splits = SplitFiles.create(id, options.fixedTestSet() != null)) {
            CheckResult check;
            try (InputStream raw = heartbeat.whileReading(storage.open(claim.sourceKey()))) {
                check = checker.check(raw, splits::write);
            }
            splits.finishWriting();
            ScanResult result = ScanResult.of(check.report());
            if (result.valid()) {
                for (Split s : Split.values()) {
                    try (InputStream in = heartbeat.whileReading(splits.open(s))) {
                        storage.put(ValidatedObjects.split(id, s), in, JSONL);
                    }
                }
            }
            try (InputStream in = heartbeat.whileReading(splits.openCleanSubset())) {
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
        for (String version : runs.earlierVersions(datasetId)) {
            String key = ValidatedObjects.fingerprints(version);
            if (storage.exists(key)) {
                try (InputStream in = storage.open(key)) {
                    earlier.add(version, in);
                }
            }
        }
        return earlier;
    }

    /** Heartbeats at most once per interval while lines stream by (checking the clock is cheap, the database is not). */
    private final class Heartbeat {
        private final Claim claim;
        private final long intervalNanos = config.worker().heartbeatInterval().toNanos();
        private long last = System.nanoTime();

        Heartbeat(Claim claim) {
            this.claim = claim;
        }


        void beatIfDue() {
            if (System.nanoTime() - last >= intervalNanos) {
                runs.heartbeat(claim);
                last = System.nanoTime();
            }
        }

        /** Keeps beating while a long upload reads a split file. */
        InputStream whileReading(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    beatIfDue();
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    beatIfDue();
                    return super.read(b, off, len);
                }
            };
        }
    }
}
