package dev.refinery.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.ingest.mapping.DatasetMapper;
import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.CollectionVersion;

/**
 * The check options a collection's version is validated with. The first version is split like any upload (its test share by
 * prompt hash); from the second on, unless the collection names a test set of its own, the first version's test split is
 * each version's test set. So the test set is frozen: every version's evaluation, and so every pipeline run, scores the
 * same items, and scores stay comparable over time. A later version's own examples are split into train and validation
 * only (the collection's shares without the test one, or validation-service's default 90/10).
 */
final class FrozenTestSet {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FrozenTestSet() {
    }

    /** The stored options (JSON, or null for none) of {@code c}'s next version, whose first version is {@code first} (null: none yet). */
    static String checksOfNextVersion(Collection c, CollectionVersion first, String bucket) {
        CheckChoices own = read(c.checks);
        if (first == null || (own != null && own.testSet() != null)) {
            return c.checks;
        }
        CheckChoices.TestSet frozen = new CheckChoices.TestSet(first.datasetId, bucket, testSplitOf(first.datasetId));
        CheckChoices next = own == null ? new CheckChoices(null, null, null, null, null, null, null, frozen)
                : new CheckChoices(own.target(), own.model(), withoutTestShare(own.splits()), own.dedup(), own.overContext(), own.epochs(),
                own.evaluations(), frozen);
        return DatasetMapper.checksColumn(next);
    }

    /** Where validation-service writes a dataset's test split. */
    static String testSplitOf(String datasetId) {
        return "datasets/" + datasetId + "/validated/test.jsonl";
    }

    /** {@code 80/10/10} → {@code 89/11/0}: the train and validation shares alone, in the same proportion; null stays null. */
    static String withoutTestShare(String splits) {
        if (splits == null) {
            return null;
        }
        String[] parts = splits.split("/");
        int train = Integer.parseInt(parts[0]);
        int validation = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        if (train + validation == 0) {
            return null;
        }
        int trainShare = Math.round(100f * train / (train + validation));
        return trainShare + "/" + (100 - trainShare) + "/0";
    }

    private static CheckChoices read(String checks) {
        if (checks == null) {
            return null;
        }
        try {
            return JSON.readValue(checks, CheckChoices.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a collection's stored check options are unreadable", e);
        }
    }
}
