package dev.refinery.datasets.tokens;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's vendored models folder, whatever directory the tests run from. */
final class TestRepo {

    private TestRepo() {
    }

    static Path modelsDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("models/stories260K"))) {
                return d.resolve("models");
            }
        }
        throw new IllegalStateException("no models/stories260K above " + Path.of("").toAbsolutePath());
    }
}
