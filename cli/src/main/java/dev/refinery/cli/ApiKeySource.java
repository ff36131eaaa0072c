package dev.refinery.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the command line finds the API key: {@code REFINERY_API_KEY}, else the file {@code $REFINERY_API_KEY_FILE}, else
 * {@code ~/.config/refinery/api-key}. A key file that others can read is refused: a key is a password.
 */
final class ApiKeySource {

    private ApiKeySource() {
    }

    static Optional<String> find(Map<String, String> env) {
        String direct = env.get("REFINERY_API_KEY");
        if (direct != null && !direct.isBlank()) {
            return Optional.of(direct.strip());
        }
        Path file = env.containsKey("REFINERY_API_KEY_FILE") ? Path.of(env.get("REFINERY_API_KEY_FILE"))
                : Path.of(System.getProperty("user.home"), ".config", "refinery", "api-key");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalStateException("the key file " + file + " is readable by others; chmod 600 it");
            }
            return Optional.of(Files.readString(file).strip()).filter(k -> !k.isEmpty());
        } catch (UnsupportedOperationException e) {
            return readPlain(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the key file " + file + ": " + e.getMessage());
        }
    }

    private static Optional<String> readPlain(Path file) {
        try {
            return Optional.of(Files.readString(file).strip()).filter(k -> !k.isEmpty());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the key file " + file + ": " + e.getMessage());
        }
    }
}
