package dev.refinery.validation.records;

/**
 * A problem found in a dataset, as this service stores and serves it.
 *
 * @param line    1-based line number in the file; null for a problem of the whole dataset
 * @param code    the rule's stable code
 * @param path    JSON path inside the record, e.g. {@code messages[2].role}; empty for the whole line
 * @param message what is wrong
 * @param hint    how to fix it
 */
public record LineProblem(Long line, String code, String path, String message, String hint) {
}
