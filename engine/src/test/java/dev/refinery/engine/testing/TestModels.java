package dev.refinery.engine.testing;

import dev.refinery.engine.io.Llama2cCheckpoint;
import dev.refinery.engine.model.ModelWeights;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the vendored stories260K model from any module's working directory. */
public final class TestModels {

    private TestModels() {
    }

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("models/stories260K"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find models/stories260K above " + Path.of("").toAbsolutePath());
    }

    public static Path stories260kDir() {
        return repoRoot().resolve("models/stories260K");
    }

    public static ModelWeights stories260k() {
        return Llama2cCheckpoint.load(stories260kDir().resolve("stories260K.bin"));
    }
}
