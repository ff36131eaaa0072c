package dev.refinery.eval.registry;

/** What an evaluation means for the candidate, under the project's promotion policy. */
public enum Outcome {
    /** The primary metric beats the baseline (and the champion, when there is one) by more than the margin; guards hold. */
    IMPROVED,
    /** Neither clearly better nor worse: an interval reaches below the margin, and no guard is broken. */
    NO_SIGNIFICANT_CHANGE,
    /**
     * The primary metric is significantly worse than the baseline's or the champion's (serving it would be a step back), or
     * a guard metric lost more than its margin.
     */
    REGRESSED
}
