package dev.refinery.validation.rest;

/**
 * One problem of a dataset.
 *
 * @param line    1-based line in the uploaded file; null for a problem of the whole dataset
 * @param code    the rule's stable code, e.g. {@code DATASET_ROLE_UNKNOWN}
 * @param path    where in the record, e.g. {@code messages[2].role} (0-based indices); empty for the whole line
 * @param message what is wrong
 * @param hint    how to fix it
 */
public record ProblemView(Long line, String code, String path, String message, String hint) {
}
