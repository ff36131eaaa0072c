package dev.refinery.training.backend.local;

/**
 * A job cannot succeed however often it is retried (its data is gone, its dataset is unknown): it ends
 * FAILED with this code at once, unlike an interruption, which the next attempt resumes.
 */
public class JobFailure extends RuntimeException {

    private final String code;

    public JobFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
