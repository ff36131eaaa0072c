package dev.refinery.validation.repository;

/** Where a validation run is. VALID and INVALID are the verdicts; FAILED means the service gave up, not the data. */
public enum RunStatus {
    /** Queued, waiting for a worker (also after a failed attempt or a crash). */
    PENDING,
    /** An attempt began (the API shows RUNNING only while a worker holds the run's lease, PENDING while it waits again). */
    RUNNING,
    VALID,
    INVALID,
    /** Every attempt failed (object storage unreachable, worker crashes); no event was emitted. */
    FAILED;

    public boolean finished() {
        return this == VALID || this == INVALID || this == FAILED;
    }
}
