package dev.refinery.ingest.limits;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Token buckets per (collection, producer), held in this replica's memory: with R replicas a producer may reach R times its
 * limit. That is the documented trade (docs/collections.md): a shared counter would put a database or broker round trip
 * in front of every example, to stop a runaway producer that the per-replica limit already slows to a known multiple.
 *
 * <p>Why not resilience4j's limiter, which the gateway uses: it counts requests in fixed windows (no burst on top of a
 * rate), and its registry keeps every limiter for ever, while producer ids are chosen by producers: here a bucket that has
 * refilled is dropped, since a full bucket answers exactly like a missing one, and memory follows the active producers.
 */
@ApplicationScoped
public class ProducerRateLimits {

    private static final int SWEEP_ABOVE = 10_000;

    private final Map<Key, TokenBucket> buckets = new HashMap<>();
    private final LongSupplier clock;
    private final int sweepAtLeast;
    private int sweepAbove;

    public ProducerRateLimits() {
        this(System::nanoTime, SWEEP_ABOVE);
    }

    ProducerRateLimits(LongSupplier clock, int sweepAtLeast) {
        this.clock = clock;
        this.sweepAtLeast = sweepAtLeast;
        this.sweepAbove = sweepAtLeast;
    }

    /** One producer's bucket: in one project's collection, on one clock (an HTTP request's arrival, or a record's send time). */
    private record Key(String scope, String producerId) {
    }

    /** A producer over its limit, and how long until its whole share of the request would be taken. */
    public record Refusal(String producerId, long waitNanos) {

        /** The wait in whole seconds, rounded up, as {@code Retry-After} wants it. */
        public long waitSeconds() {
            return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        }
    }

    /** This replica's clock, in nanoseconds: what an HTTP request's arrival is measured by. */
    public long now() {
        return clock.getAsLong();
    }

    /**
     * Takes {@code perProducer} examples (producer id to count) in {@code scope} (a project's collection on one clock) at
     * {@code nowNanos} of that clock, all of them or none: empty when taken; else the producer that must wait longest. A
     * refused request takes nothing, so resending it later costs once.
     */
    public synchronized Optional<Refusal> take(String scope, Map<String, Integer> perProducer, ProducerLimit limit, long nowNanos) {
        if (buckets.size() >= sweepAbove) {
            dropFull(nowNanos); // before any bucket of this request is looked at: none of them can be dropped half way
        }
        Map<String, TokenBucket> mine = new java.util.LinkedHashMap<>();
        Refusal longest = null;
        for (Map.Entry<String, Integer> e : perProducer.entrySet()) {
            TokenBucket bucket = buckets.computeIfAbsent(new Key(scope, e.getKey()), k -> new TokenBucket(limit, nowNanos));
            mine.put(e.getKey(), bucket);
            long wait = bucket.waitFor(e.getValue(), limit, nowNanos);
            if (wait > 0 && (longest == null || wait > longest.waitNanos())) {
                longest = new Refusal(e.getKey(), wait);
            }
        }
        if (longest != null) {
            return Optional.of(longest);
        }
        perProducer.forEach((producer, count) -> mine.get(producer).take(count));
        return Optional.empty();
    }

    /**
     * Gives back what {@link #take} took for a request that was then not kept (the database away): its resend is not
     * charged twice. Never beyond the burst.
     */
    public synchronized void giveBack(String scope, Map<String, Integer> perProducer, ProducerLimit limit, long nowNanos) {
        perProducer.forEach((producer, count) -> {
            TokenBucket bucket = buckets.get(new Key(scope, producer));
            if (bucket != null) {
                bucket.giveBack(count, limit, nowNanos);
            }
        });
    }

    /** How many buckets this replica holds (the ones that have not refilled since their producer last sent). */
    synchronized int size() {
        return buckets.size();
    }

    /**
     * Drops the buckets that have refilled. The threshold grows with what stays, so a replica with many active producers
     * does not sweep on every new one.
     */
    private void dropFull(long now) {
        buckets.values().removeIf(b -> b.isFull(now));
        sweepAbove = Math.max(sweepAtLeast, buckets.size() * 2);
    }
}
