package dev.refinery.ingest.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A later version's own examples keep the collection's train and validation proportion, without a test share. */
class FrozenTestSetTest {

    @Test
    void theTestShareGoesAndTheOtherTwoKeepTheirProportion() {
        assertEquals("89/11/0", FrozenTestSet.withoutTestShare("80/10/10"));
        assertEquals("78/22/0", FrozenTestSet.withoutTestShare("70/20/10"));
        assertEquals("90/10/0", FrozenTestSet.withoutTestShare("90/10/0"));
        assertEquals("100/0/0", FrozenTestSet.withoutTestShare("90/0/10"));
        assertNull(FrozenTestSet.withoutTestShare(null), "none given: validation-service's default without a test share");
    }

    @Test
    void theFirstVersionsTestSplitIsWhereValidationServiceWritesIt() {
        assertEquals("datasets/ds-1/validated/test.jsonl", FrozenTestSet.testSplitOf("ds-1"));
    }
}
