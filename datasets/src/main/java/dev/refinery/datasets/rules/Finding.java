package dev.refinery.datasets.rules;

/**
 * One problem in one record: the rule, the JSON path inside the record ("" for the whole line), a
 * message naming what was found, and the severity it has here (a rule's default, or lowered to a
 * warning where the user's choice makes it harmless, e.g. over-context records with the drop policy).
 */
public record Finding(Rule rule, Severity severity, String path, String message) {

    public static Finding of(Rule rule, String path, String message) {
        return new Finding(rule, rule.severity(), path, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
