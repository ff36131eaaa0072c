package dev.refinery.providers.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters the benchmark and operators read: requests sent, retries, and the most requests in flight at once. */
public final class TransportStats {

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();

    void started() {
        requests.incrementAndGet();
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    void retried() {
        retries.incrementAndGet();
    }

    public long requests() {
        return requests.get();
    }

    public long retries() {
        return retries.get();
    }

    /** With HTTP/1.1 each request in flight holds one connection, so this is also the peak connection count. */
    public int peakInFlight() {
        return peakInFlight.get();
    }
}
