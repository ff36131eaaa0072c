package dev.refinery.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The stack's settings as a {@code .env} file of environment variables, named the way MicroProfile
 * Config maps them back to properties ({@code quarkus.datasource.jdbc.url} becomes
 * {@code QUARKUS_DATASOURCE_JDBC_URL}), so {@code set -a; . run/.stack.env} configures a service.
 */
final class EnvFile {

    private EnvFile() {
    }

    static String variableName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static Map<String, String> variables(Map<String, String> properties) {
        Map<String, String> variables = new LinkedHashMap<>();
        properties.forEach((name, value) -> variables.put(variableName(name), value));
        return variables;
    }

    static String render(Map<String, String> variables) {
        return variables.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * Written whole or not at all: a script waiting for the file never reads half of it. Readable by its owner only: it holds
     * the stack's passwords, the identity signing key and the admin API key.
     */
    static void write(Path file, Map<String, String> variables) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, ".stack-env-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, render(variables));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
