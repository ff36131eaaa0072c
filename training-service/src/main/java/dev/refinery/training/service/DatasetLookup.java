package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.training.repository.Dataset;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * The dataset a job trains on, as training-service knows it from {@code dataset-validated} (its read model). That model
 * lags validation by one event: a job asked for a dataset validated a moment ago waits briefly for its verdict, and if it
 * has not arrived, the answer says so with {@code Retry-After} (409) instead of "no such dataset". The 404 stays for
 * datasets that exist nowhere in the bucket.
 */
@ApplicationScoped
public class DatasetLookup {

    /** How long a request waits for a verdict that is on its way, before it answers 409 with Retry-After. */
    private static final Duration WAIT_FOR_VERDICT = Duration.ofSeconds(3);
    private static final int RETRY_AFTER_SECONDS = 2;

    @Inject
    ObjectStorage storage;

    /** The tenant's dataset, known and trainable: VALID with a train split. Another tenant's is not found, as one that never was. */
    public Dataset trainable(String tenant, String datasetId) {
        Dataset dataset = find(datasetId);
        if (dataset == null) {
            dataset = waitForVerdict(datasetId);
        }
        if (!tenant.equals(dataset.tenant)) {
            throw notFound(datasetId);
        }
        if (!dataset.isValid() || dataset.trainKey == null) {
            throw ApiException.conflict("JOB_DATASET_NOT_VALID", "dataset " + datasetId + " is " + dataset.status
                    + (dataset.isValid() ? " but has no train split to learn from"
                    : ": only VALID datasets can be trained on; fix the problems its validation report lists and upload it again"))
                    .with("datasetStatus", dataset.status);
        }
        return dataset;
    }

    private Dataset waitForVerdict(String datasetId) {
        if (!uploaded(datasetId)) {
            throw notFound(datasetId);
        }
        long deadline = System.nanoTime() + WAIT_FOR_VERDICT.toNanos();
        while (System.nanoTime() < deadline) {
            sleep();
            Dataset d = find(datasetId);
            if (d != null) {
                return d;
            }
        }
        boolean validated = storage.exists(reportKey(datasetId));
        throw ApiException.conflict("JOB_DATASET_NOT_READY", "dataset " + datasetId + (validated
                ? " was validated, but its verdict has not reached training-service yet" : " is still being validated")
                + ": try again in a moment").with("field", "datasetId").with("validated", validated).retryAfter(RETRY_AFTER_SECONDS);
    }

    private static ApiException notFound(String datasetId) {
        return ApiException.notFound("JOB_DATASET_NOT_FOUND", "no dataset " + datasetId + " exists: it was never uploaded (or was deleted)")
                .with("field", "datasetId");
    }

    /** Whether the bucket holds anything of the dataset (its upload, its validated splits). */
    private boolean uploaded(String datasetId) {
        return !storage.list("datasets/" + datasetId + "/").isEmpty();
    }

    private static String reportKey(String datasetId) {
        return "datasets/" + datasetId + "/validated/report.json";
    }

    private static Dataset find(String datasetId) {
        return QuarkusTransaction.requiringNew().call(() -> Dataset.<Dataset>findById(datasetId));
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
