package dev.refinery.eval.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Artifact keys as folders (no Quarkus); where each file lands is the kit's ObjectStorage.downloadFolder. */
class ArtifactFetcherTest {

    @Test
    void anAdapterKeyNamesAFolderWithOrWithoutTheSlash() {
        assertEquals("jobs/ft-1/adapter/", ArtifactFetcher.prefix("jobs/ft-1/adapter"));
        assertEquals("jobs/ft-1/adapter/", ArtifactFetcher.prefix("jobs/ft-1/adapter/"));
    }
}
