package dev.refinery.datasets.check;

import dev.refinery.datasets.report.DatasetReport;

/** The report, and the sorted normalized fingerprints of the records checked (for later versions' duplicate check). */
public record CheckResult(DatasetReport report, long[] fingerprints) {
}
