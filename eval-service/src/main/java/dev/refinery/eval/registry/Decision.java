package dev.refinery.eval.registry;

/** What was done with an evaluation's outcome. */
public enum Decision {
    /** The candidate passed the policy and now holds the policy's alias. */
    PROMOTED,
    /** The candidate did not pass, or the champion changed while it was evaluated. */
    NOT_PROMOTED,
    /** The candidate passed, but the project promotes by hand (autoPromote false). */
    PASSED_AWAITING_PROMOTION,
    /** An evaluation asked for by hand: it informs a person, it never promotes. */
    NOT_APPLICABLE
}
