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

    private record Key(String collectionId, String producerId) {
    }

    /** A producer over its limit, and how long until its whole share of the request would be taken. */
    public record Refusal(String producerId, long waitNanos) {

        /** The wait in whole seconds, rounded up, as {@code Retry-After} wants it. */
        public long waitSeconds() {
            return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        }
    }

    /**
     * Takes {@code perProducer} examples (producer id to count) for {@code collectionId}, all of them or none: empty when
     * taken; else the producer that must wait longest. A refused request takes nothing, so resending it later costs once.
     */
    public synchronized Optional<Refusal> take(String collectionId, Map<String, Integer> perProducer, ProducerLimit limit) {
        long now = clock.getAsLong();
        Refusal longest = null;
        for (Map.Entry<String, Integer> e : perProducer.entrySet()) {
            long wait = bucket(collectionId, e.getKey(), limit, now).waitFor(e.getValue(), limit, now);
            if (wait > 0 && (longest == null || wait > longest.waitNanos())) {
                longest = new Refusal(e.getKey(), wait);
            }
        }
        if (longest != null) {
            return Optional.of(longest);
        }
        perProducer.forEach((producer, count) -> buckets.get(new Key(collectionId, producer)).take(count));
        return Optional.empty();
    }

    /**
     * Gives back what {@link #take} took for a request that was then not kept (the database away): its resend is not
     * charged twice. Never beyond the burst.
     */
    public synchronized void giveBack(String collectionId, Map<String, Integer> perProducer, ProducerLimit limit) {
        long now = clock.getAsLong();
        perProducer.forEach((producer, count) -> {
            TokenBucket bucket = buckets.get(new Key(collectionId, producer));
            if (bucket != null) {
                bucket.giveBack(count, limit, now);
            }
        });
    }

    /** How many buckets this replica holds (the ones that have not refilled since their producer last sent). */
    synchronized int size() {
        return buckets.size();
    }

    private TokenBucket bucket(String collectionId, String producerId, ProducerLimit limit, long now) {
        Key key = new Key(collectionId, producerId);
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= sweepAbove) {
                dropFull(now);
            }
            bucket = new TokenBucket(limit, now);
            buckets.put(key, bucket);
        }
        return bucket;
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
