package dev.refinery.validation.service;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The {@code datasets/{id}/validated/report.json} object: the verdict, its counts and the kept problems,
 * readable without the service.
 *
 * @param problemsKeptPerRule how many problems of each rule {@code problemDetails} holds at most
 */
public record ReportDocument(String datasetId, String status, String sourceObjectKey, long lines, long records,
                             long validRecords, long invalidRecords, long problems, Map<String, Long> ruleCounts,
                             Map<String, SplitEntry> splits, int problemsKeptPerRule, List<ProblemEntry> problemDetails,
                             OffsetDateTime validatedAt) {

    public record SplitEntry(String objectKey, long records) {
    }

    public record ProblemEntry(Long line, String code, String path, String message, String hint) {
    }
}
