package dev.refinery.validation.service;

/**
 * One dataset's check options as its uploader chose them (null: this service's configured default), as
 * stored with its run. {@link CheckSettings} turns them into the validator's options.
 */
public record RunChecks(String target, String model, String splits, String dedup, String overContext, Integer epochs,
                        Integer evaluations, String testSetDatasetId, String testSetBucket, String testSetKey) {

    public static final RunChecks NONE = new RunChecks(null, null, null, null, null, null, null, null, null, null);

    public boolean hasFixedTestSet() {
        return testSetKey != null;
    }
}
