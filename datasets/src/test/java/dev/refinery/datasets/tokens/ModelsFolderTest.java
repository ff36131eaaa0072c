package dev.refinery.datasets.tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsFolderTest {

    @Test
    void aCheckRunOutsideTheRepositoryFindsTheModelsBesideTheInstallation(@TempDir Path elsewhere) throws IOException {
        Path installation = elsewhere.resolve("refinery");
        Files.createDirectories(installation.resolve("models/stories260K"));
        Path jar = installation.resolve("cli/target/refinery-cli-all.jar");
        Path workingDir = Files.createDirectories(elsewhere.resolve("home/me/data"));

        ModelsFolder found = ModelsFolder.find(null, workingDir, jar);
        assertEquals(installation.resolve("models"), found.path());
        assertTrue(found.howFound().startsWith("above " + jar), found.howFound());

        assertEquals(Path.of("/opt/models"), ModelsFolder.find("/opt/models", workingDir, jar).path(), "the variable comes first");

        ModelsFolder none = ModelsFolder.find(null, workingDir, elsewhere.resolve("other/lib.jar"));
        assertFalse(Files.exists(none.path()));
        assertTrue(none.howFound().contains(ModelsFolder.VARIABLE + " is not set"), none.howFound());
    }

    @Test
    void aMissingModelFolderSaysHowToPointAtOne(@TempDir Path empty) {
        TokenizerUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(TokenizerUnavailableException.class,
                () -> TokenCounters.forSpec("engine:stories260K", empty));
        assertTrue(e.getMessage().contains("no model folder " + empty.resolve("stories260K")), e.getMessage());
        assertTrue(e.getMessage().contains("set REFINERY_MODELS_DIR=/path/to/refinery/models (or pass --models-dir DIR"), e.getMessage());
    }
}
