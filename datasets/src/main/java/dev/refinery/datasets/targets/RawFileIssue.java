package dev.refinery.datasets.targets;

import dev.refinery.datasets.rules.Rule;

/**
 * What the validator accepts with a warning and leaves out of the validated output, but a provider's own
 * client-side check refuses in the raw file. The verdict of such a target says so, so that nobody uploads
 * the raw file and meets a refusal the report did not announce.
 */
public enum RawFileIssue {
    BLANK_LINE(Rule.BLANK_LINE, "a blank line is not JSON to it"),
    BYTE_ORDER_MARK(Rule.BYTE_ORDER_MARK, "it does not skip a byte-order mark, so the first line is not JSON to it"),
    CARRIAGE_RETURN(Rule.CARRIAGE_RETURN, "it splits lines at a bare carriage return (Python's universal newlines), cutting the record"),
    EXTRA_TOP_LEVEL_KEY(Rule.UNKNOWN_FIELD, "it refuses keys beyond its format's (\"Found extra column\"), parallel_tool_calls included"),
    CHOSEN_REJECTED_SPELLING(Rule.FORMAT_UNKNOWN, "it knows preference data only as input/preferred_output/non_preferred_output");

    private final Rule rule;
    private final String why;

    RawFileIssue(Rule rule, String why) {
        this.rule = rule;
        this.why = why;
    }

    /** The rule that reports it (a warning here; the record is kept, rewritten). */
    public Rule rule() {
        return rule;
    }

    /** Why the provider's check refuses it. */
    public String why() {
        return why;
    }
}
