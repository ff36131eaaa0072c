package dev.refinery.validation.rest;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A dataset's validation report as the API shows it. Counts are null until the run has finished;
 * {@code splits} is set only for VALID datasets (INVALID ones are not split).
 *
 * @param status     PENDING, RUNNING, VALID, INVALID, or FAILED (the service gave up; see {@code lastError})
 * @param ruleCounts problems per rule code, every problem counted
 */
public record ReportView(String datasetId, String datasetName, String status, String sourceObjectKey,
                         Long lines, Long records, Long validRecords, Long invalidRecords, Long problems,
                         Map<String, Long> ruleCounts, SplitsView splits, String reportKey, int attempts, String lastError,
                         OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt) {

    public record SplitsView(SplitView train, SplitView validation, SplitView test) {
    }

    public record SplitView(String objectKey, long records) {
    }
}
