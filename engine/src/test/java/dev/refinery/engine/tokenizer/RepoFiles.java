package dev.refinery.engine.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's vendored files whatever directory the tests run from. */
public final class RepoFiles {

    private RepoFiles() {
    }

    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("models/stories260K"))) {
                return d;
            }
        }
        throw new IllegalStateException("no models/stories260K above " + dir);
    }

    public static Path stories260kTokenizer() {
        return repoRoot().resolve("models/stories260K/tok512.bin");
    }
}
