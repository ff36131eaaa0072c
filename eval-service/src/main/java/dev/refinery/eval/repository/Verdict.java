package dev.refinery.eval.repository;

/** What the 95% paired bootstrap interval of candidate - baseline says. */
public enum Verdict {
    /** The whole interval lies above zero. */
    CANDIDATE_BETTER,
    /** The interval contains zero. */
    NO_SIGNIFICANT_DIFFERENCE,
    /** The whole interval lies below zero. */
    CANDIDATE_WORSE
}
