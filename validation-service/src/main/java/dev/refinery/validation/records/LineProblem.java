package dev.refinery.validation.records;

/**
 * A problem found in a dataset.
 *
 * @param line    1-based line number in the file; null for a problem of the whole dataset
 * @param rule    the rule it breaks
 * @param path    JSON path inside the record, e.g. {@code messages[2].role}; empty for the whole line
 * @param message what is wrong
 */
public record LineProblem(Long line, Rule rule, String path, String message) {

    public static LineProblem at(long line, RecordProblem p) {
        return new LineProblem(line, p.rule(), p.path(), p.message());
    }

    public static LineProblem ofDataset(Rule rule, String message) {
        return new LineProblem(null, rule, "", message);
    }

    public String hint() {
        return rule.hint();
    }
}
