package dev.refinery.validation.rest;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A dataset's validation report as the API shows it. Counts are null until the run has finished;
 * {@code splits} is set only for VALID datasets (INVALID ones are not split).
 *
 * @param status     PENDING, RUNNING, VALID, INVALID, or FAILED (the service gave up; see {@code lastError})
 * @param ruleCounts problems per rule code, every problem counted
 * @param cleanKey   the clean subset (every kept record) once checked, VALID or INVALID
 * @param checks     the options this dataset is checked with: its uploader's, the service's defaults for the rest
 * @param parentDatasetId the dataset this one is the clean subset of
 */
public record ReportView(String datasetId, String datasetName, String status, String sourceObjectKey,
                         Long lines, Long records, Long validRecords, Long invalidRecords, Long problems,
                         Map<String, Long> ruleCounts, SplitsView splits, String reportKey, String cleanKey, ChecksView checks,
                         String parentDatasetId, int attempts, String lastError,
                         OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt) {

    /**
     * @param chosen the options the uploader gave (the rest are this service's defaults)
     * @param testSet the fixed test set's dataset id, if any
     */
    public record ChecksView(String target, String model, String splits, String dedup, String overContext, Integer epochs,
                             int evaluations, String testSet, java.util.List<String> chosen) {
    }

    public record SplitsView(SplitView train, SplitView validation, SplitView test) {
    }

    public record SplitView(String objectKey, long records) {
    }
}
