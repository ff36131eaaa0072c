package dev.refinery.ingest.service;

import dev.refinery.datasets.split.Split;
import dev.refinery.datasets.split.ValidatedObjects;
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
    void theTestSplitIsWhereValidationServiceWritesIt() {
        assertEquals("datasets/ds-1/validated/test.jsonl", ValidatedObjects.split("ds-1", Split.TEST));
    }

    @Test
    void theFirstVersionWithATestSplitIsFrozenAndAVersionWithoutAVerdictHoldsTheNextSeal() {
        dev.refinery.ingest.repository.Collection c = new dev.refinery.ingest.repository.Collection();
        c.id = "col-1";
        c.checks = "{\"target\":\"together\",\"splits\":\"80/10/10\"}";
        java.util.List<dev.refinery.ingest.repository.CollectionVersion> versions = java.util.List.of(version(1, "ds-invalid"), version(2, "ds-valid"));
        java.util.Set<String> stored = new java.util.HashSet<>(java.util.List.of(ValidatedObjects.report("ds-invalid"),
                ValidatedObjects.report("ds-valid"), ValidatedObjects.split("ds-valid", Split.TEST)));

        String next = FrozenTestSet.checksOfNextVersion(c, versions, "refinery", stored::contains);
        assertEquals("{\"target\":\"together\",\"splits\":\"89/11/0\",\"testSet\":{\"datasetId\":\"ds-valid\",\"bucket\":\"refinery\","
                + "\"objectKey\":\"datasets/ds-valid/validated/test.jsonl\"}}", next, "the INVALID first version has no test split to freeze");
        assertEquals(c.checks, FrozenTestSet.checksOfNextVersion(c, java.util.List.of(), "refinery", stored::contains), "the first version");
        assertEquals(c.checks, FrozenTestSet.checksOfNextVersion(c, versions.subList(0, 1), "refinery", stored::contains),
                "every earlier version INVALID: split like an upload");

        stored.remove(ValidatedObjects.report("ds-invalid"));
        dev.refinery.kit.problem.ApiException pending = org.junit.jupiter.api.Assertions.assertThrows(dev.refinery.kit.problem.ApiException.class,
                () -> FrozenTestSet.checksOfNextVersion(c, versions, "refinery", stored::contains));
        assertEquals("COLLECTION_VERSION_PENDING", pending.code());

        c.checks = "{\"testSet\":{\"datasetId\":\"ds-own\",\"bucket\":\"refinery\",\"objectKey\":\"datasets/ds-own/raw/t.jsonl\"}}";
        assertEquals(c.checks, FrozenTestSet.checksOfNextVersion(c, versions, "refinery", stored::contains), "a test set of its own stays");
    }

    private static dev.refinery.ingest.repository.CollectionVersion version(int n, String datasetId) {
        dev.refinery.ingest.repository.CollectionVersion v = new dev.refinery.ingest.repository.CollectionVersion();
        v.version = n;
        v.datasetId = datasetId;
        return v;
    }
}
