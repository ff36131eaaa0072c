package dev.refinery.kit.reconcile;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Finds work whose triggering event this service never applied, and has it announced again. Events are delivered at
 * least once, but one can still be lost for good: dead-lettered and kept past the dead-letter topic's retention, skipped
 * by a consumer group whose offsets were moved, parked in the producer's outbox. The owner of the work is the source of
 * truth: every sweep asks it what reached the announced state between {@code horizon} and {@code grace} ago (older is
 * out of scope, younger may still be on its way) and asks it to announce again every item this service does not know.
 * The repeat then takes the one path every event takes (the consumer, its inbox, its lease), so a late original and a
 * repeat cannot both start work: consumers apply one piece of work per item. An item is asked for at most once per grace
 * period, so one that a consumer ignores on purpose is not announced on every pass.
 */
public final class Reconciliation {

    private static final Logger LOG = Logger.getLogger(Reconciliation.class);
    /** How far a page may grow past its size when more items than a page share one instant. */
    private static final int MAX_PAGE_GROWTH = 8;

    /** What one sweep did. */
    public record Result(int seen, List<String> announcedAgain, boolean complete) {
    }

    private final String name;
    private final Upstream upstream;
    private final UnaryOperator<Set<String>> known;
    private final Duration grace;
    private final Duration horizon;
    private final int pageSize;
    /** When this process last asked for each item: a repeat is asked for at most once per grace period. */
    private final Map<String, Instant> announcedAt = new ConcurrentHashMap<>();

    /**
     * @param name     what is reconciled, for logs ("uploads", "finished jobs")
     * @param known    of the given ids, those this service has already taken up
     * @param grace    how long an item's event may take to arrive before it is taken for lost
     * @param horizon  how far back items are looked at
     * @param pageSize items asked for per request
     */
    public Reconciliation(String name, Upstream upstream, UnaryOperator<Set<String>> known, Duration grace, Duration horizon,
                          int pageSize) {
        if (grace.isNegative() || horizon.compareTo(grace) <= 0 || pageSize < 1) {
            throw new IllegalArgumentException("reconciliation needs 0 <= grace < horizon and a page size >= 1");
        }
        this.name = name;
        this.upstream = upstream;
        this.known = known;
        this.grace = grace;
        this.horizon = horizon;
        this.pageSize = pageSize;
    }

    /**
     * One pass over the window ending {@code grace} before {@code now}. Never throws for the owner being away or refusing:
     * the pass ends there ({@code complete} false) and the next one starts over.
     */
    public Result sweep(Instant now) {
        announcedAt.values().removeIf(t -> t.isBefore(now.minus(horizon)));
        Instant since = now.minus(horizon);
        Instant until = now.minus(grace);
        Set<String> seen = new HashSet<>();
        List<String> announced = new ArrayList<>();
        int limit = pageSize;
        try {
            while (true) {
                List<Upstream.Item> page = upstream.between(since, until, limit);
                Set<String> fresh = new LinkedHashSet<>();
                for (Upstream.Item item : page) {
                    if (seen.add(item.id())) {
                        fresh.add(item.id());
                    }
                }
                if (!fresh.isEmpty()) {
                    Set<String> missing = new LinkedHashSet<>(fresh);
                    missing.removeAll(known.apply(fresh));
                    for (String id : missing) {
                        Instant before = announcedAt.get(id);
                        if (before != null && before.isAfter(now.minus(grace))) {
                            continue; // asked already; its repeat may still be on its way
                        }
                        upstream.announceAgain(id);
                        announcedAt.put(id, now);
                        announced.add(id);
                        LOG.warnf("%s: %s has no trace here; its owner was asked to announce it %s", name, id,
                                before == null ? "again" : "again, once more (the earlier repeat left no trace either)");
                    }
                }
                if (page.size() < limit) {
                    return new Result(seen.size(), announced, true);
                }
                // The next page starts at the last item's time, inclusive, so that items sharing that instant are not
                // skipped (the ones seen are dropped above). A full page with nothing new means more items share one
                // instant than a page holds: ask for a larger page, up to a bound.
                if (fresh.isEmpty()) {
                    if (limit >= pageSize * MAX_PAGE_GROWTH) {
                        LOG.warnf("%s: more than %d items share the instant %s; the rest wait for the next pass", name, limit,
                                page.get(page.size() - 1).at());
                        return new Result(seen.size(), announced, false);
                    }
                    limit *= 2;
                }
                since = page.get(page.size() - 1).at();
            }
        } catch (RuntimeException e) {
            LOG.warnf("%s: reconciliation stopped, the next pass starts over: %s", name, e.getMessage());
            return new Result(seen.size(), announced, false);
        }
    }
}
