package dev.refinery.kit.storage;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Object keys to local files when a folder is downloaded (no storage needed). */
class FolderDownloadTest {

    private static final Path INTO = Path.of("/tmp/work/adapter");

    @Test
    void filesKeepTheirPathsInsideTheFolder() {
        assertEquals(INTO.resolve("adapter_config.json"), ObjectStorage.localTarget(INTO, "jobs/a/adapter/", "jobs/a/adapter/adapter_config.json"));
        assertEquals(INTO.resolve("sub/x.bin"), ObjectStorage.localTarget(INTO, "jobs/a/adapter/", "jobs/a/adapter/sub/x.bin"));
    }

    @Test
    void aKeyThatWouldEscapeTheFolderIsRefused() {
        assertThrows(ObjectStorage.UnsafeKeyException.class, () -> ObjectStorage.localTarget(INTO, "jobs/a/adapter/",
                "jobs/a/adapter/../../../etc/passwd"));
        assertThrows(ObjectStorage.UnsafeKeyException.class, () -> ObjectStorage.localTarget(INTO, "jobs/a/adapter/", "jobs/a/adapter/.."));
    }
}
