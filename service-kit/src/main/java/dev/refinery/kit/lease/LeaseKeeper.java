package dev.refinery.kit.lease;

import dev.refinery.kit.work.DaemonThreads;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The leases this process holds, renewed every third of their duration for as long as the work runs, however long
 * that is (an evaluation that outlasts its lease is renewed, never started again elsewhere). A renewal the table
 * refuses means another process took the work over: the lease is marked lost, and the work, which asks
 * {@link #isLost} at its next step, stops without writing more. A renewal that fails because the database is away is
 * tried again at the next tick: losing the database is not losing the work.
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final WorkLeases leases;
    private final LeaseKind kind;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final Map<String, Lease> lost = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public LeaseKeeper(WorkLeases leases, LeaseKind kind) {
        this.leases = leases;
        this.kind = kind;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(kind.name() + "-lease-keeper"));
        long every = Math.max(10, kind.renewEvery().toMillis());
        timer.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
    }

    public LeaseKind kind() {
        return kind;
    }

    /** Starts renewing a claim this process just made. */
    public void hold(Lease lease) {
        lost.remove(lease.workId());
        held.put(lease.workId(), lease);
    }

    /** Stops renewing (the work ended, or was given back); nothing is written. */
    public void letGo(String workId) {
        held.remove(workId);
        lost.remove(workId);
    }

    /** The claim this process holds on the work, if any. */
    public Optional<Lease> heldOn(String workId) {
        return Optional.ofNullable(held.get(workId));
    }

    public boolean holds(String workId) {
        return held.containsKey(workId);
    }

    /** Whether another process took this attempt's work over (seen at a renewal). */
    public boolean isLost(Lease lease) {
        Lease l = lost.get(lease.workId());
        return l != null && l.attempt() == lease.attempt();
    }

    public Collection<Lease> held() {
        return List.copyOf(held.values());
    }

    /** One round of renewals (the timer's; tests call it to renew at once). */
    public void renewAll() {
        for (Lease lease : held.values()) {
            try {
                if (!leases.renew(lease, kind.duration())) {
                    LOG.warnf("%s was taken over or ended elsewhere: the work here stops", lease);
                    held.remove(lease.workId(), lease);
                    lost.put(lease.workId(), lease);
                }
            } catch (RuntimeException e) {
                LOG.warnf("could not renew %s, trying again in %s: %s", lease, kind.renewEvery(), e.getMessage());
            }
        }
    }

    /**
     * Gives back every lease still held (the process is stopping and its work did not finish within the grace period):
     * not the work's fault, so claimable again at once by another replica or the next start.
     */
    public void releaseAll(String why) {
        for (Lease lease : held.values()) {
            try {
                leases.release(lease, kind, WorkLeases.Release.STOPPED, why);
            } catch (RuntimeException e) {
                LOG.warnf("could not give back %s (it expires by itself): %s", lease, e.getMessage());
            }
            held.remove(lease.workId());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
