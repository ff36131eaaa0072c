package dev.refinery.eval.service;

import dev.refinery.eval.repository.ArtifactType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Object keys to local artifact files (no Quarkus). */
class ArtifactFetcherTest {

    @Test
    void anAdapterKeyNamesAFolderWithOrWithoutTheSlash() {
        assertEquals("jobs/ft-1/adapter/", ArtifactFetcher.prefix("jobs/ft-1/adapter"));
        assertEquals("jobs/ft-1/adapter/", ArtifactFetcher.prefix("jobs/ft-1/adapter/"));
    }

    @Test
    void filesKeepTheirPathsInsideTheFolder() {
        Path into = Path.of("/tmp/work/adapter");
        assertEquals(into.resolve("adapter_config.json"), ArtifactFetcher.localPath(into, "jobs/a/adapter/", "jobs/a/adapter/adapter_config.json", ArtifactType.LORA_ADAPTER));
        assertEquals(into.resolve("sub/x.bin"), ArtifactFetcher.localPath(into, "jobs/a/adapter/", "jobs/a/adapter/sub/x.bin", ArtifactType.LORA_ADAPTER));
    }

    @Test
    void aKeyThatWouldEscapeTheFolderFailsTheEvaluation() {
        EvaluationFailure f = assertThrows(EvaluationFailure.class, () -> ArtifactFetcher.localPath(Path.of("/tmp/work/adapter"),
                "jobs/a/adapter/", "jobs/a/adapter/../../../etc/passwd", ArtifactType.LORA_ADAPTER));
        assertEquals("EVAL_ADAPTER_UNREADABLE", f.code());
        EvaluationFailure model = assertThrows(EvaluationFailure.class, () -> ArtifactFetcher.localPath(Path.of("/tmp/work/model"),
                "jobs/a/model/", "jobs/a/model/../x", ArtifactType.FULL_MODEL));
        assertEquals("EVAL_MODEL_UNREADABLE", model.code());
    }
}
