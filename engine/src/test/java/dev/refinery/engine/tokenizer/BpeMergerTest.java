package dev.refinery.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class BpeMergerTest {

    /** The textbook O(n^2) loop of llama2.c and Hugging Face: merge the best pair, leftmost among equals, repeat. */
    private static int[] naiveMerge(int[] symbols, PairMergeTable table) {
        List<Integer> ids = new ArrayList<>();
        for (int s : symbols) {
            ids.add(s);
        }
        while (true) {
            int bestPos = -1;
            long best = Long.MAX_VALUE;
            for (int i = 0; i + 1 < ids.size(); i++) {
                long e = table.find(ids.get(i), ids.get(i + 1));
                if (e != PairMergeTable.NONE && PairMergeTable.priorityOf(e) < best) {
                    best = PairMergeTable.priorityOf(e);
                    bestPos = i;
                }
            }
            if (bestPos < 0) {
                return ids.stream().mapToInt(Integer::intValue).toArray();
            }
            long e = table.find(ids.get(bestPos), ids.get(bestPos + 1));
            ids.set(bestPos, PairMergeTable.mergedIdOf(e));
            ids.remove(bestPos + 1);
        }
    }

    @Test
    void heapMergingEqualsTheQuadraticLoopOnRandomTables() {
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            int alphabet = 2 + random.nextInt(5);
            PairMergeTable table = new PairMergeTable(4);
            int nextId = alphabet;
            // Few priorities so that ties are common: they must resolve leftmost in both.
            for (int m = 0; m < 3 + random.nextInt(25); m++) {
                table.putIfAbsent(random.nextInt(nextId), random.nextInt(nextId), random.nextInt(4), nextId++);
            }
            int[] symbols = random.ints(1 + random.nextInt(40), 0, alphabet).toArray();
            assertArrayEquals(naiveMerge(symbols, table), BpeMerger.merge(symbols, table), "trial " + trial);
        }
    }

    @Test
    void tableKeepsTheFirstEntryForAPairAndGrows() {
        PairMergeTable table = new PairMergeTable(1);
        for (int i = 0; i < 1000; i++) {
            table.putIfAbsent(i, i + 1, i, 5000 + i);
        }
        table.putIfAbsent(3, 4, 999, 1);
        assertEquals(1000, table.size());
        assertEquals(3, PairMergeTable.priorityOf(table.find(3, 4)));
        assertEquals(5003, PairMergeTable.mergedIdOf(table.find(3, 4)));
        assertEquals(PairMergeTable.NONE, table.find(4, 3));
    }

    @Test
    void longInputsMergeInNearLinearTime() {
        // 300k symbols, one merge everywhere: a quadratic loop would need ~10^10 pair checks.
        PairMergeTable table = new PairMergeTable(4);
        table.putIfAbsent(0, 1, 0, 2);
        table.putIfAbsent(2, 2, 1, 3);
        int[] symbols = new int[300_000];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = i % 2;
        }
        int[] merged = assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> BpeMerger.merge(symbols, table));
        assertEquals(75_000, merged.length);
        assertEquals(3, merged[0]);
    }
}
