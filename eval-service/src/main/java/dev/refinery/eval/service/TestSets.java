package dev.refinery.eval.service;

import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.eval.repository.ValidatedDataset;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Which frozen items an evaluation by hand runs on: the test split of a dataset ({@code datasetId}), or every record a
 * dataset's check kept ({@code testSet}: a file uploaded as a dataset to serve as a test set, the name ingest gives a
 * fixed test set). Any validated dataset of the caller's project may be named; the candidate's and the baseline's own
 * datasets always may (they were validated before their jobs ran, even if this service never heard of it).
 */
@ApplicationScoped
public class TestSets {

    /** The items' source: a dataset, and whether all of its records (true) or only its test split (false). */
    public record Choice(String datasetId, boolean wholeDataset) {
    }

    /**
     * @param datasetId a dataset whose test split to use; null: see {@code testSet}
     * @param testSet   a dataset all of whose records to use; null: see {@code datasetId}; both null: the candidate's dataset's
     *                  test split
     */
    public Choice choose(String tenant, ModelVersion candidate, ModelVersion baseline, String datasetId, String testSet) {
        if (datasetId != null && testSet != null) {
            throw ApiException.badRequest("EVAL_TEST_SET_AMBIGUOUS", "name one test set: datasetId (that dataset's test split) or "
                    + "testSet (every record of that dataset), not both").with("field", "testSet");
        }
        if (testSet != null) {
            if (testSet.equals(candidate.datasetId) || (baseline != null && testSet.equals(baseline.datasetId))) {
                throw ApiException.badRequest("EVAL_TEST_SET_OVERLAP", "dataset " + testSet + " trained " + (testSet.equals(candidate.datasetId)
                        ? candidate.id : baseline.id) + ": every record of it includes what that model was trained on; use its test "
                        + "split ({\"datasetId\": \"" + testSet + "\"}) or another dataset").with("field", "testSet");
            }
            ValidatedDataset d = validated(tenant, testSet, "testSet");
            if (d.validRecords != null && d.validRecords < 2) {
                throw ApiException.badRequest("EVAL_TEST_SET_TOO_SMALL", "dataset " + testSet + " kept " + d.validRecords
                        + " record(s); a comparison needs at least 2").with("field", "testSet");
            }
            return new Choice(testSet, true);
        }
        if (datasetId == null) {
            if (candidate.datasetId == null) {
                throw ApiException.badRequest("EVAL_TEST_SET_REQUIRED", candidate.id + " was registered from an endpoint and no "
                        + "dataset of ours trained it: name the test set, datasetId (a dataset's test split) or testSet (every record "
                        + "of a dataset)").with("field", "datasetId");
            }
            return new Choice(candidate.datasetId, false);
        }
        if (datasetId.equals(candidate.datasetId) || (baseline != null && datasetId.equals(baseline.datasetId))) {
            return new Choice(datasetId, false);
        }
        ValidatedDataset d = validated(tenant, datasetId, "datasetId");
        if (d.testRecords == null || d.testRecords == 0) {
            throw ApiException.badRequest("EVAL_TEST_SPLIT_MISSING", "dataset " + datasetId + " has no test split: upload it with a "
                    + "test share (splits=80/10/10) or a fixed test set (testSet=ds-...), or evaluate on all of its records with "
                    + "{\"testSet\": \"" + datasetId + "\"}").with("field", "datasetId");
        }
        return new Choice(datasetId, false);
    }

    private static ValidatedDataset validated(String tenant, String datasetId, String field) {
        ValidatedDataset d = ValidatedDataset.owned(tenant, datasetId).orElseThrow(() -> ApiException.badRequest("EVAL_DATASET_UNKNOWN",
                "project " + tenant + " has no validated dataset " + datasetId + " (a dataset can be a test set once validation-service "
                        + "has checked it; GET /v1/datasets/" + datasetId + " shows its state)").with("field", field));
        if (!d.valid()) {
            throw ApiException.badRequest("EVAL_DATASET_INVALID", "dataset " + datasetId + " did not pass validation; fix it and upload "
                    + "it again (GET /v1/datasets/" + datasetId + "/problems lists why)").with("field", field);
        }
        return d;
    }
}
