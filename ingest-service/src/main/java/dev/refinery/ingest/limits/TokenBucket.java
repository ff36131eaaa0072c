package dev.refinery.ingest.limits;

/**
 * One producer's allowance: {@code perSecond} examples a second on average, up to {@code burst} at once. Not thread-safe:
 * {@link ProducerRateLimits} holds its lock around every use, so a batch of several producers is taken all or nothing.
 *
 * <p>A request larger than the burst is let through when the bucket is full and leaves it in debt (negative tokens), so
 * the long-run rate still holds and no request is refused for ever: without that, a batch of 1,000 from a producer whose
 * burst is 100 could never be taken, however long it waited.
 */
final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private ProducerLimit limit;
    private double tokens;
    private long refilledAt;

    TokenBucket(ProducerLimit limit, long nowNanos) {
        this.limit = limit;
        this.tokens = limit.burst();
        this.refilledAt = nowNanos;
    }

    /**
     * Nanoseconds until {@code count} examples may be taken: 0 when they may be now. {@code current} is the limit as it is
     * now; the time before this call was earned under the limit of the call before.
     */
    long waitFor(int count, ProducerLimit current, long nowNanos) {
        refill(nowNanos);
        limit = current;
        tokens = Math.min(tokens, current.burst());
        double needed = Math.min(count, current.burst());
        return tokens >= needed ? 0 : (long) Math.ceil((needed - tokens) / current.perSecond() * NANOS_PER_SECOND);
    }

    /** Takes {@code count} examples; the caller asked {@link #waitFor} first, under the same lock. */
    void take(int count) {
        tokens -= count;
    }

    /** Returns {@code count} examples taken for a request that was not kept, up to the burst. */
    void giveBack(int count, ProducerLimit current, long nowNanos) {
        refill(nowNanos);
        limit = current;
        tokens = Math.min(current.burst(), tokens + count);
    }

        /** A full bucket is indistinguishable from a new one, so it can be dropped without changing any answer. */
    boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= limit.burst();
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(limit.burst(), tokens + elapsed / NANOS_PER_SECOND * limit.perSecond());
            refilledAt = nowNanos;
        }
    }
}
