package dev.refinery.ingest.service;

import dev.refinery.datasets.split.Split;
import dev.refinery.datasets.split.ValidatedObjects;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.ingest.mapping.DatasetMapper;
import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.CollectionVersion;
import dev.refinery.kit.problem.ApiException;

import java.util.List;
import java.util.function.Predicate;

/**
 * The check options a collection's version is validated with. The first version is split like any upload (its test share by
 * prompt hash); from then on, unless the collection names a test set of its own, the test split of the first version that
 * has one (the first VALID version) is each version's test set. So the test set is frozen: every version's evaluation, and so every pipeline run, scores the
 * same items, and scores stay comparable over time. A later version's own examples are split into train and validation
 * only (the collection's shares without the test one, or validation-service's default 90/10).
 */
final class FrozenTestSet {

    static final String PENDING = "COLLECTION_VERSION_PENDING";

    private static final ObjectMapper JSON = new ObjectMapper();

    private FrozenTestSet() {
    }

    /**
     * The stored options (JSON, or null for none) of {@code c}'s next version, given its earlier versions oldest first:
     * the first of them with a test split (VALID; an INVALID one has none) is frozen as the next version's test set. None
     * yet (no version, or every earlier one INVALID): split like an upload, and this version may be the one frozen.
     *
     * @param exists whether an object is in {@code bucket}
     * @throws ApiException 409 {@code COLLECTION_VERSION_PENDING} while an earlier version, before any with a test split,
     *                      has no verdict yet: which test set to freeze is not known
     */
    static String checksOfNextVersion(Collection c, List<CollectionVersion> earlier, String bucket, Predicate<String> exists) {
        CheckChoices own = read(c.checks);
        if (own != null && own.testSet() != null) {
            return c.checks;
        }
        for (CollectionVersion v : earlier) {
            if (exists.test(ValidatedObjects.split(v.datasetId, Split.TEST))) {
                CheckChoices.TestSet frozen = new CheckChoices.TestSet(v.datasetId, bucket, ValidatedObjects.split(v.datasetId, Split.TEST));
                CheckChoices next = own == null ? new CheckChoices(null, null, null, null, null, null, null, frozen)
                        : new CheckChoices(own.target(), own.model(), withoutTestShare(own.splits()), own.dedup(), own.overContext(),
                        own.epochs(), own.evaluations(), frozen);
                return DatasetMapper.checksColumn(next);
            }
            if (!exists.test(ValidatedObjects.report(v.datasetId))) {
                throw new ApiException(409, PENDING, "Conflict", "version " + v.version + " of collection " + c.id
                        + " (" + v.datasetId + ") has no verdict yet; its test split would be frozen as every later version's test set, "
                        + "so seal again once it is validated").with("collectionId", c.id);
            }
        }
        return c.checks;
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
