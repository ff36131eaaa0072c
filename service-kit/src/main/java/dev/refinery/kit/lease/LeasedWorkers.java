package dev.refinery.kit.lease;

import dev.refinery.kit.work.DaemonThreads;
import dev.refinery.kit.work.TransientFailures;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A bounded pool of threads that run leased work: each piece is claimed in the lease table before it runs, renewed
 * while it runs (by the {@link LeaseKeeper}), and ends in one of four ways:
 * <ul>
 *   <li>the work stored its outcome with {@link WorkLeases#complete} in its own transaction ({@link Outcome#DONE});</li>
 *   <li>it stopped because the process is stopping ({@link Outcome#STOPPED}): given back, claimable at once, not counted;</li>
 *   <li>it handed the claim to something else in this process that keeps it ({@link Outcome#HANDED_OFF}, e.g. a
 *       tracker following a job at its provider), which later calls {@link LeaseKeeper#letGo};</li>
 *   <li>it threw: a transient failure (see {@link TransientFailures}) gives the claim back with back-off and is not
 *       counted; any other counts as a failed attempt, and the work is given up ({@link Work#giveUp}) once
 *       {@link LeaseKind#maxFailures()} attempts failed.</li>
 * </ul>
 * The one shutdown rule: no new work starts; running work is asked to stop ({@link Context#stopRequested()}) and given
 * the grace period to store what it has; every claim still held after it is given back uncounted.
 */
public final class LeasedWorkers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeasedWorkers.class);

    /** One piece of work of this pool's kind. */
    public interface Work {
        /** Runs one attempt under {@code context.lease()}; see {@link Outcome}. */
        Outcome run(Context context) throws Exception;

        /** The work failed {@link LeaseKind#maxFailures()} times: store its failure and {@link WorkLeases#complete} the lease, in one transaction. */
        void giveUp(Lease lease, String reason);
    }

    /** How an attempt that returned normally ended. */
    public enum Outcome {
        DONE, STOPPED, HANDED_OFF,
        /** This process cannot do the work now (a backend switched off here): given back with back-off, not counted. */
        DEFERRED
    }

    /** What an attempt can ask of its pool. */
    public interface Context {
        Lease lease();

        /** The process is stopping: store what there is (a checkpoint) and return {@link Outcome#STOPPED}. */
        boolean stopRequested();

        /** Another process took the work over: stop without writing anything more. */
        boolean leaseLost();
    }

    private final String name;
    private final WorkLeases leases;
    private final LeaseKeeper keeper;
    private final String holder;
    private final Work work;
    private final ThreadPoolExecutor threads;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * @param name    names the threads ({@code name-1}, ...) and the log lines
     * @param keeper  renews this pool's claims; pools of one kind in one process share it
     * @param holder  this process's name in the lease table (a new one per start)
     */
    public LeasedWorkers(String name, int threads, WorkLeases leases, LeaseKeeper keeper, String holder, Work work) {
        this.name = name;
        this.leases = leases;
        this.keeper = keeper;
        this.holder = holder;
        this.work = work;
        int n = Math.max(1, threads);
        this.threads = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), DaemonThreads.numbered(name));
    }

    /** Work handed to this pool and not yet started or finished here (queued or running). */
    public Set<String> queued() {
        return Collections.unmodifiableSet(queued);
    }

    /** Queues the work unless it is queued or held here already; its thread claims it, so a stale id costs one query. False if not queued. */
    public boolean dispatch(String workId) {
        if (stopping || keeper.holds(workId) || !queued.add(workId)) {
            return false;
        }
        try {
            threads.execute(() -> attempt(workId));
            return true;
        } catch (RejectedExecutionException e) {
            queued.remove(workId);
            return false;
        }
    }

    /**
     * Runs work whose claim this process already holds (handed off to this pool by another, see
     * {@link Outcome#HANDED_OFF}); false when it is queued or running here already, or the pool is stopping.
     */
    public boolean continueHeld(Lease lease) {
        if (stopping || !queued.add(lease.workId())) {
            return false;
        }
        try {
            threads.execute(() -> {
                try {
                    if (!stopping && !keeper.isLost(lease)) {
                        run(lease);
                    }
                } finally {
                    queued.remove(lease.workId());
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            queued.remove(lease.workId());
            return false;
        }
    }

    /** Whether the work is queued or running in this pool. */
    public boolean has(String workId) {
        return queued.contains(workId);
    }

    private void attempt(String workId) {
        try {
            if (stopping) {
                return;
            }
            Optional<Lease> claim = leases.claim(keeper.kind(), workId, holder);
            if (claim.isEmpty()) {
                return; // done, held by a live process elsewhere, or waiting out its back-off
            }
            run(claim.get());
        } catch (RuntimeException e) {
            LOG.warnf("%s: could not claim %s (the sweeper tries again): %s", name, workId, e.getMessage());
        } finally {
            queued.remove(workId);
        }
    }

    private void run(Lease lease) {
        if (lease.failures() >= keeper.kind().maxFailures()) {
            giveUp(lease, "failed " + lease.failures() + " times" + (lease.lastError() == null ? "" : "; last: " + lease.lastError()));
            return;
        }
        keeper.hold(lease);
        Outcome outcome;
        try {
            outcome = work.run(new AttemptContext(lease, () -> stopping));
        } catch (LeaseLostException e) {
            LOG.warnf("%s: %s", name, e.getMessage());
            keeper.letGo(lease.workId());
            return;
        } catch (Throwable e) { // an Error too: a claim left held by a dead thread would be renewed forever
            giveBack(lease, e);
            keeper.letGo(lease.workId());
            return;
        }
        if (outcome == Outcome.STOPPED) {
            release(lease, WorkLeases.Release.STOPPED, "the process stopped during attempt " + lease.attempt());
        } else if (outcome == Outcome.DEFERRED) {
            release(lease, WorkLeases.Release.TRANSIENT, null);
        }
        if (outcome != Outcome.HANDED_OFF) {
            keeper.letGo(lease.workId());
        }
    }

    /** An attempt that threw: back to the table with back-off, counted unless the failure is transient. */
    private void giveBack(Lease lease, Throwable e) {
        if (stopping) {
            // Cut off by the shutdown (interrupted at the end of the grace period): not the work's fault.
            release(lease, WorkLeases.Release.STOPPED, "attempt " + lease.attempt() + " cut off by the process stopping: " + e);
            return;
        }
        boolean transientFailure = TransientFailures.isTransient(e);
        String error = "attempt " + lease.attempt() + (transientFailure ? " paused by a transient failure: " : " failed: ") + e;
        if (transientFailure) {
            LOG.warnf("%s: %s %s; it is retried after a back-off, not counted", name, lease.kind(), error);
        } else {
            LOG.errorf(e, "%s: %s %s %s", name, lease.kind(), lease.workId(), error);
        }
        if (!transientFailure && lease.failures() + 1 >= keeper.kind().maxFailures()) {
            giveUp(lease, "failed " + (lease.failures() + 1) + " times; last: " + e);
            return;
        }
        release(lease, transientFailure ? WorkLeases.Release.TRANSIENT : WorkLeases.Release.FAILED, error);
    }

    private void giveUp(Lease lease, String reason) {
        try {
            work.giveUp(lease, reason);
        } catch (RuntimeException e) {
            LOG.warnf("%s: could not give %s up (the sweeper tries again): %s", name, lease, e.getMessage());
            release(lease, WorkLeases.Release.TRANSIENT, null);
        }
    }

    /**
     * Gives a claim back; with the database away, the release itself is retried until it lands or the claim expires
     * (then the next claim counts the attempt as dead, as for a crashed process).
     */
    private void release(Lease lease, WorkLeases.Release how, String error) {
        long deadline = System.nanoTime() + keeper.kind().duration().toNanos();
        Duration wait = Duration.ofMillis(100);
        while (true) {
            try {
                leases.release(lease, keeper.kind(), how, error);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || stopping && how == WorkLeases.Release.STOPPED) {
                    LOG.warnf("%s: could not give %s back (it expires by itself): %s", name, lease, e.getMessage());
                    return;
                }
                sleep(wait);
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : wait.multipliedBy(2);
            }
        }
    }

    /** The one shutdown rule (see the class comment). */
    public void shutdown(Duration grace) {
        stopping = true;
        threads.shutdown();
        try {
            if (!threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS) && !keeper.held().isEmpty()) {
                LOG.warnf("%s: work still running after %s of shutdown: %s; its claims are given back", name, grace, keeper.held());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(1, TimeUnit.SECONDS); // interrupted work gives its claim back on the way out
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isStopping() {
        return stopping;
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private final class AttemptContext implements Context {
        private final Lease lease;
        private final BooleanSupplier stopping;

        AttemptContext(Lease lease, BooleanSupplier stopping) {
            this.lease = lease;
            this.stopping = stopping;
        }

        @Override
        public Lease lease() {
            return lease;
        }

        @Override
        public boolean stopRequested() {
            return stopping.getAsBoolean();
        }

        @Override
        public boolean leaseLost() {
            return keeper.isLost(lease);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
