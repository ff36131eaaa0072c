package dev.refinery.eval.repository;

/**
 * Life of an evaluation: PENDING until a worker claims its lease, RUNNING while it works (the API says RUNNING only while
 * a worker holds the lease, PENDING while it waits for another attempt), then COMPLETED or FAILED.
 */
public enum EvaluationStatus {
    PENDING, RUNNING, COMPLETED, FAILED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED;
    }
}
