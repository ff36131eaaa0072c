package dev.refinery.kit.lease;

/**
 * One claim on one piece of work: the fence every write of the attempt carries. Only the holder of the current
 * {@code attempt} may write the work's progress or outcome; a claim taken over by another process (after this one
 * stopped renewing it) makes every later write of this one fail.
 *
 * @param failures  attempts of this work that failed or died before this one
 * @param lastError why the last attempt failed, or null
 */
public record Lease(String kind, String workId, int attempt, String holder, int failures, String lastError) {

    @Override
    public String toString() {
        return kind + " " + workId + " attempt " + attempt + " by " + holder;
    }
}
