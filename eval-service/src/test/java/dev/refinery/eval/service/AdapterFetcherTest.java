package dev.refinery.eval.service;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Object keys to local adapter files (no Quarkus). */
class AdapterFetcherTest {

    @Test
    void anAdapterKeyNamesAFolderWithOrWithoutTheSlash() {
        assertEquals("jobs/ft-1/adapter/", AdapterFetcher.prefix("jobs/ft-1/adapter"));
        assertEquals("jobs/ft-1/adapter/", AdapterFetcher.prefix("jobs/ft-1/adapter/"));
    }

    @Test
    void filesKeepTheirPathsInsideTheFolder() {
        Path into = Path.of("/tmp/work/adapter");
        assertEquals(into.resolve("adapter_config.json"), AdapterFetcher.localPath(into, "jobs/a/adapter/", "jobs/a/adapter/adapter_config.json"));
        assertEquals(into.resolve("sub/x.bin"), AdapterFetcher.localPath(into, "jobs/a/adapter/", "jobs/a/adapter/sub/x.bin"));
    }

    @Test
    void aKeyThatWouldEscapeTheFolderFailsTheEvaluation() {
        EvaluationFailure f = assertThrows(EvaluationFailure.class,
                () -> AdapterFetcher.localPath(Path.of("/tmp/work/adapter"), "jobs/a/adapter/", "jobs/a/adapter/../../../etc/passwd"));
        assertEquals("EVAL_ADAPTER_UNREADABLE", f.code());
    }
}
