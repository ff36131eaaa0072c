package dev.refinery.providers.spi;

/** The canonical lifecycle every backend's own status vocabulary is mapped onto. */
public enum JobState {
    QUEUED,
    VALIDATING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLING,
    CANCELLED,
    PAUSED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
