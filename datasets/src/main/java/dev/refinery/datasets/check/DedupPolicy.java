package dev.refinery.datasets.check;

/** What to do with duplicates and held-out leaks: always counted and reported; removed from the output only on request. */
public enum DedupPolicy {
    /** Report only; every valid record is kept. */
    REPORT,
    /** Drop exact duplicates (and exact leaks of a fixed test set); keep near-duplicates. */
    DROP_EXACT,
    /** Drop exact and near-duplicates (case and whitespace insensitive), duplicates of earlier versions and leaks. */
    DROP_NORMALIZED;

    public static DedupPolicy parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "report", "none", "off" -> REPORT;
            case "exact" -> DROP_EXACT;
            case "normalized", "near" -> DROP_NORMALIZED;
            default -> throw new IllegalArgumentException("dedup must be report, exact or normalized; got '" + text + "'");
        };
    }
}
