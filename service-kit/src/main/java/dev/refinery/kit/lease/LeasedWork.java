package dev.refinery.kit.lease;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;

/**
 * One kind of leased work as a service runs it: the pool that claims and runs it ({@link LeasedWorkers}), the keeper that
 * renews this process's claims ({@link LeaseKeeper}), the sweep that hands the pool every piece of work whose lease is
 * due, and the one shutdown rule. A service makes one per kind and wires three things to it: {@link #dispatch} after the
 * commit that {@link #open opened} a lease, a scheduled {@link #sweep}, and {@link #shutdown} when it stops.
 */
public final class LeasedWork {

    private static final Logger LOG = Logger.getLogger(LeasedWork.class);
    /** Work handed over per sweep; the rest waits for the next one (a pool is small, the queue behind it need not be long). */
    private static final int SWEEP_BATCH = 200;

    private final WorkLeases leases;
    private final LeaseKeeper keeper;
    private final LeasedWorkers workers;
    private final String holder;

    /**
     * @param name    names the threads and log lines
     * @param holder  this process's name in the lease table (a new one per start)
     */
    public LeasedWork(String name, LeaseKind kind, int threads, WorkLeases leases, String holder, LeasedWorkers.Work work) {
        this(name, threads, leases, new LeaseKeeper(leases, kind), holder, work);
    }

    /**
     * With a keeper shared by other pools of this process that work on the same kind (training-service's engine pool
     * continues the jobs this pool claimed): one keeper renews and gives back every claim of the kind.
     */
    public LeasedWork(String name, int threads, WorkLeases leases, LeaseKeeper keeper, String holder, LeasedWorkers.Work work) {
        this.leases = leases;
        this.holder = holder;
        this.keeper = keeper;
        this.workers = new LeasedWorkers(name, threads, leases, keeper, holder, work);
    }

    public LeaseKind kind() {
        return keeper.kind();
    }

    public WorkLeases leases() {
        return leases;
    }

    public LeaseKeeper keeper() {
        return keeper;
    }

    public String holder() {
        return holder;
    }

    /** Registers new work in the caller's transaction, with the work's own row: claimable once that commits. */
    public void open(String workId) {
        leases.open(kind().name(), workId);
    }

    /** Starts an attempt at the work unless it is queued or held here already; false if not started. */
    public boolean dispatch(String workId) {
        return workers.dispatch(workId);
    }

    /**
     * Hands the pool every piece of work whose lease is due: new, waiting out a back-off, or left by a process that died
     * (its claim expired). Work a live replica holds is not due, so it is left alone. Returns how many were handed over;
     * with the database away, none (the next sweep tries again).
     */
    public int sweep() {
        int handed = 0;
        try {
            for (String workId : leases.due(kind().name(), SWEEP_BATCH)) {
                if (workers.dispatch(workId)) {
                    handed++;
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("%s sweep failed, the next one tries again: %s", kind().name(), e.getMessage());
        }
        return handed;
    }

    /** Whether the work is queued or running in this process. */
    public boolean has(String workId) {
        return workers.has(workId);
    }

    /** The work queued or running in this process (for a gauge). */
    public Set<String> queued() {
        return workers.queued();
    }

    /**
     * The one shutdown rule: no new attempt starts; running ones are asked to stop ({@link LeasedWorkers.Context#stopRequested})
     * and get {@code grace} to store what they have; every claim still held after it is given back uncounted, claimable at
     * once by another replica or the next start.
     */
    public void shutdown(Duration grace) {
        workers.shutdown(grace);
        keeper.releaseAll("the service stopped");
        keeper.close();
    }
}
