package dev.refinery.eval.repository;

/** Life of an evaluation: PENDING until a worker claims it, RUNNING while it works, then COMPLETED or FAILED. */
public enum EvaluationStatus {
    PENDING, RUNNING, COMPLETED, FAILED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED;
    }
}
