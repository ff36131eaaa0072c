package dev.refinery.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeySourceTest {

    @Test
    void theEnvironmentWinsThenTheKeyFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api-key");
        Files.writeString(file, "rfy_fromfile_x\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.of("rfy_env"), ApiKeySource.find(Map.of("REFINERY_API_KEY", "rfy_env", "REFINERY_API_KEY_FILE", file.toString())));
        assertEquals(Optional.of("rfy_fromfile_x"), ApiKeySource.find(Map.of("REFINERY_API_KEY_FILE", file.toString())));
        assertTrue(ApiKeySource.find(Map.of("REFINERY_API_KEY_FILE", dir.resolve("none").toString())).isEmpty());
    }

    @Test
    void aKeyFileOthersCanReadIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api-key");
        Files.writeString(file, "rfy_x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeySource.find(Map.of("REFINERY_API_KEY_FILE", file.toString())));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }
}
