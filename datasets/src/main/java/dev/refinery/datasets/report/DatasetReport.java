package dev.refinery.datasets.report;

import dev.refinery.catalog.cost.CostEstimate;

import java.util.List;
import java.util.Map;

/**
 * The validation report: what report.json holds, the same from the command line and the service.
 * Counts are per rule with a capped sample of lines each; the verdict per target says whether that
 * target would take the dataset and, if not, why. It holds no timestamps or paths, so two checks of the
 * same bytes with the same options give the same report. With a fixed test set, {@code testSet} is that
 * file's own report (its records are the test split).
 */
public record DatasetReport(
        int reportVersion,
        String format,
        boolean gzip,
        long bytes,
        long lines,
        long records,
        long validRecords,
        long invalidRecords,
        String target,
        String model,
        boolean accepted,
        long errors,
        long warnings,
        List<RuleCount> problems,
        List<TargetVerdict> targets,
        Statistics statistics,
        Duplicates duplicates,
        Splits splits,
        TokenReport tokens,
        CostEstimate cost,
        DatasetReport testSet) {

    /** One rule's findings: how many, and the first few with their line, JSON path and message. */
    public record RuleCount(String code, String severity, long count, String hint, List<Sample> samples) {
    }

    /** Line is 1-based; null for findings about the file as a whole. */
    public record Sample(Long line, String path, String message) {
    }

    /**
     * Whether a target would accept the file as validated (after normalization), and if not, why. {@code model},
     * {@code contextLength} and {@code tokenizer} name what its token rules were measured against: the model
     * chosen for the target checked, each other target's catalog default (null without one, or for Parquet).
     * {@code providerCheck} names the provider's own client-side check, when it has one, and
     * {@code providerCheckRefuses} what that check would refuse in the raw file although the validated output
     * (what {@code --out} writes and the platform uploads) is clean of it.
     */
    public record TargetVerdict(String target, String name, String model, Integer contextLength, String tokenizer,
                                boolean accepted, long acceptedRecords, long minRecords, List<Reason> reasons, String notes,
                                String providerCheck, List<Reason> providerCheckRefuses) {
    }

    public record Reason(String code, long count, Long firstLine, String message) {
    }

    public record Statistics(Map<String, Long> formats, long turnsMin, double turnsMean, long turnsMax,
                             Map<String, Long> roles, long emptyAnswers, long nearEmptyAnswers, int nearEmptyChars) {
    }

    public record Duplicates(String policy, long exact, long nearDuplicates, long inEarlierVersions, List<String> earlierVersions,
                             long heldOutLeaks, long removed, String note) {
    }

    public record Splits(String ratios, String assignment, boolean fixedTestSet, Map<String, Long> records) {
    }
}
