package dev.refinery.kit.work;

/**
 * A failure the code itself knows will pass (a dependency it cannot reach now), thrown so that the work is tried again
 * after a back-off and not counted against it. {@link TransientFailures} recognizes it anywhere in a cause chain.
 */
public class RetryLater extends RuntimeException {

    public RetryLater(String message, Throwable cause) {
        super(message, cause);
    }
}
