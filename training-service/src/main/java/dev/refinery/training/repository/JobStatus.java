package dev.refinery.training.repository;

/**
 * The canonical life of a job, the same on every backend: QUEUED (accepted) -> VALIDATING (the provider checks the
 * files) -> RUNNING -> SUCCEEDED, FAILED or CANCELLED; CANCELLING while a cancel is on its way. A provider's own
 * word is kept beside it (raw status). The local engine goes QUEUED -> RUNNING -> outcome.
 */
public enum JobStatus {
    QUEUED(0), VALIDATING(1), RUNNING(2), CANCELLING(3), SUCCEEDED(4), FAILED(4), CANCELLED(4);

    private final int order;

    JobStatus(int order) {
        this.order = order;
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /**
     * Whether moving from this state to {@code next} is progress. A provider that reports "queued" again after
     * "validating" (Together's pending after our upload) does not move the job backwards: the raw status says it.
     */
    public boolean canMoveTo(JobStatus next) {
        if (isFinal()) {
            return false;
        }
        return next.order > order;
    }
}
