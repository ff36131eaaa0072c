package dev.refinery.training.repository;

/** Life of a job: QUEUED (accepted) -> RUNNING (a worker trains it) -> SUCCEEDED or FAILED. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
