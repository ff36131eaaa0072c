package dev.refinery.validation.records;

/**
 * One thing wrong with one record.
 *
 * @param rule    the rule it breaks
 * @param path    where in the record, e.g. {@code messages[2].role} (0-based indices); empty for the whole line
 * @param message what is wrong, with the offending value where it helps
 */
public record RecordProblem(Rule rule, String path, String message) {

    public String hint() {
        return rule.hint();
    }
}
