package dev.refinery.testing;

import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test scripts per key (a dataset id, a job id) for a test double of a consumer's effect to raise before it does
 * the real thing: the database away for the first n tries (a transient failure the consumer must wait out), or a bug
 * that refuses the event until it is "fixed" (a dead letter to replay). Keys no test scripted pass through.
 */
public final class ScriptedFaults {

    private final Map<String, AtomicInteger> transientFailuresLeft = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** Called by the double before the real effect: counts the call and raises the fault scripted for {@code key}, if any. */
    public void before(String key) {
        calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        AtomicInteger left = transientFailuresLeft.get(key);
        if (left != null && left.getAndDecrement() > 0) {
            throw new IllegalStateException("cannot apply the event of " + key,
                    new SQLTransientConnectionException("the database is away (scripted)", "08006"));
        }
        if (refused.contains(key)) {
            throw new IllegalStateException("cannot apply the event of " + key + ": a bug refuses it (scripted, until fixed)");
        }
    }

    /** The next {@code times} calls for {@code key} fail as if the database were away. */
    public void failTransiently(String key, int times) {
        transientFailuresLeft.put(key, new AtomicInteger(times));
    }

    /** Every call for {@code key} fails, for a reason no retry fixes, until {@link #fix}. */
    public void refuse(String key) {
        refused.add(key);
    }

    public void fix(String key) {
        refused.remove(key);
    }

    /** How often the effect was called for {@code key}, faults included. */
    public int calls(String key) {
        AtomicInteger n = calls.get(key);
        return n == null ? 0 : n.get();
    }
}
