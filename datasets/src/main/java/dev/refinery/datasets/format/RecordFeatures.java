package dev.refinery.datasets.format;

/**
 * What a structurally valid record uses, gathered while it is checked, so that each target's own rules
 * (allowed roles, tools, images, formats) are a few flag tests rather than another walk of the record.
 */
public final class RecordFeatures {

    RecordFormat format;
    int roles;
    boolean toolCalls;
    boolean toolsDeclared;
    int images;
    boolean contentParts;
    boolean weights;
    int turns;
    final int[] roleCounts = new int[Role.values().length];
    boolean parallelToolCalls;
    boolean unknownTopLevelKeys;
    boolean chosenRejectedSpelling;
    boolean carriageReturn;
    boolean repeatedRole;

    void reset() {
        repeatedRole = false;
        parallelToolCalls = false;
        unknownTopLevelKeys = false;
        chosenRejectedSpelling = false;
        carriageReturn = false;
        turns = 0;
        java.util.Arrays.fill(roleCounts, 0);
        format = null;
        roles = 0;
        toolCalls = false;
        toolsDeclared = false;
        images = 0;
        contentParts = false;
        weights = false;
    }

    public RecordFormat format() {
        return format;
    }

    /** The roles used, as a mask of {@link Role#bit()}. */
    public int roleMask() {
        return roles;
    }

    public boolean uses(Role role) {
        return (roles & role.bit()) != 0;
    }

    /** Tool calls, tool results or a tools declaration. */
    public boolean usesTools() {
        return toolCalls || toolsDeclared || uses(Role.TOOL);
    }

    public int images() {
        return images;
    }

    public boolean contentParts() {
        return contentParts;
    }

    public boolean weights() {
        return weights;
    }

    /** Turns of the record (messages, or prompt and completion, or 1 for text). */
    public int turns() {
        return turns;
    }

    /** A conversation (or preference input) with a {@code parallel_tool_calls} key: OpenAI's format has it, the others' not. */
    public boolean parallelToolCalls() {
        return parallelToolCalls;
    }

    /** Keys at the top of the record that its format does not use (dropped from the validated output). */
    public boolean unknownTopLevelKeys() {
        return unknownTopLevelKeys;
    }

    /** Preference data written as prompt/chosen/rejected (the validated output is the canonical spelling). */
    public boolean chosenRejectedSpelling() {
        return chosenRejectedSpelling;
    }

    /** A carriage return between the record's tokens (the validated output has none). */
    public boolean carriageReturn() {
        return carriageReturn;
    }

    /** Two messages in a row with the same role (the order rules allow it only for tool results). */
    public boolean repeatedRole() {
        return repeatedRole;
    }

    /** Turns per role, indexed by {@link Role#ordinal()}. */
    public int[] roleCounts() {
        return roleCounts;
    }
}
