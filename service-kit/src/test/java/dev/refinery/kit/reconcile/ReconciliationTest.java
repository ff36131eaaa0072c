package dev.refinery.kit.reconcile;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconciliationTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final Duration HORIZON = Duration.ofDays(8);

    /** An owner with items at given times, answering windows as the REST collections do (since inclusive, until exclusive). */
    private static final class Owner implements Upstream {
        final List<Item> items = new ArrayList<>();
        final List<String> announced = new ArrayList<>();
        int requests;
        RuntimeException failAfter;
        int failAt = -1;

        Owner add(String id, Instant at) {
            items.add(new Item(id, at));
            return this;
        }

        @Override
        public List<Item> between(Instant since, Instant until, int limit) {
            if (requests++ == failAt) {
                throw failAfter;
            }
            return items.stream().filter(i -> !i.at().isBefore(since) && i.at().isBefore(until))
                    .sorted(Comparator.comparing(Item::at).thenComparing(Item::id)).limit(limit).toList();
        }

        @Override
        public void announceAgain(String id) {
            announced.add(id);
        }
    }

    private static Reconciliation reconciliation(Owner owner, Set<String> known, int pageSize) {
        return new Reconciliation("items", owner, ids -> {
            Set<String> k = new HashSet<>(ids);
            k.retainAll(known);
            return k;
        }, GRACE, HORIZON, pageSize);
    }

    @Test
    void onlyItemsUnknownHereAndOlderThanTheGraceAreAnnouncedAgain() {
        Owner owner = new Owner()
                .add("known", NOW.minus(Duration.ofHours(2)))
                .add("lost", NOW.minus(Duration.ofHours(1)))
                .add("in-flight", NOW.minus(Duration.ofMinutes(2)))
                .add("too-old", NOW.minus(Duration.ofDays(9)));
        Reconciliation.Result r = reconciliation(owner, Set.of("known"), 50).sweep(NOW);
        assertEquals(List.of("lost"), owner.announced);
        assertEquals(List.of("lost"), r.announcedAgain());
        assertEquals(2, r.seen());
        assertTrue(r.complete());
    }

    @Test
    void everyPageIsWalkedAndItemsSharingAnInstantAcrossPagesAreNotSkipped() {
        Owner owner = new Owner();
        Instant t = NOW.minus(Duration.ofHours(3));
        for (int i = 0; i < 7; i++) {
            owner.add("a" + i, t.plusSeconds(i / 3)); // three items per second: pages of 2 split those instants
        }
        Reconciliation.Result r = reconciliation(owner, Set.of("a1", "a4"), 2).sweep(NOW);
        assertEquals(List.of("a0", "a2", "a3", "a5", "a6"), owner.announced);
        assertEquals(7, r.seen());
        assertTrue(r.complete());
    }

    @Test
    void moreItemsAtOneInstantThanAPageHoldsAreReachedWithALargerPageAndNeverLoopForever() {
        Owner owner = new Owner();
        Instant t = NOW.minus(Duration.ofHours(3));
        for (int i = 0; i < 5; i++) {
            owner.add("same" + i, t);
        }
        Reconciliation.Result r = reconciliation(owner, Set.of(), 2).sweep(NOW);
        assertTrue(r.complete());
        assertEquals(List.of("same0", "same1", "same2", "same3", "same4"), owner.announced);

        Owner crowded = new Owner();
        for (int i = 0; i < 40; i++) {
            crowded.add(String.format("c%02d", i), t);
        }
        Reconciliation.Result bounded = reconciliation(crowded, Set.of(), 2).sweep(NOW);
        assertFalse(bounded.complete(), "a page grows at most eight-fold");
        assertEquals(16, crowded.announced.size());
        assertTrue(crowded.requests < 10, crowded.requests + " requests");
    }

    @Test
    void anOwnerThatIsAwayEndsThePassQuietlyAndTheNextPassStartsOver() {
        Owner owner = new Owner().add("lost", NOW.minus(Duration.ofHours(1)));
        owner.failAt = 0;
        owner.failAfter = new HttpUpstream.UpstreamException("connection refused");
        Reconciliation reconciliation = reconciliation(owner, Set.of(), 50);
        Reconciliation.Result first = reconciliation.sweep(NOW);
        assertFalse(first.complete());
        assertEquals(List.of(), owner.announced);
        Reconciliation.Result second = reconciliation.sweep(NOW);
        assertTrue(second.complete());
        assertEquals(List.of("lost"), owner.announced);
    }

    @Test
    void anItemAskedForIsNotAskedForAgainUntilItsRepeatHadTheGracePeriodToArrive() {
        Owner owner = new Owner().add("ignored", NOW.minus(Duration.ofHours(1)));
        Reconciliation reconciliation = reconciliation(owner, Set.of(), 50);
        reconciliation.sweep(NOW);
        reconciliation.sweep(NOW.plus(Duration.ofMinutes(5)));
        assertEquals(List.of("ignored"), owner.announced);
        reconciliation.sweep(NOW.plus(GRACE).plusSeconds(1));
        assertEquals(List.of("ignored", "ignored"), owner.announced);
    }

    @Test
    void aGraceLongerThanTheHorizonIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Reconciliation("items", new Owner(), ids -> ids, Duration.ofDays(9), HORIZON, 10));
    }
}
