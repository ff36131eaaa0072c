package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/** Who may call: API keys, projects, the audit log, and storing a key for the other commands ({@code login}). */
final class AccessCommands {

    static final String USAGE = """
            keys create NAME --scope read|write|admin [--expires 2027-01-01T00:00:00Z] [--project P] [--rate PER_MINUTE]
                                                the key is printed once: store it (e.g. refinery login)
            keys list [--project P] | revoke KEY_ID
            projects list | create ID [--organization ORG]
            audit list [--action job.cancelled]
            me                                  the key in use: prefix, project, scope
            login [--key-file PATH]             reads a key from standard input, checks it, stores it for the other commands
                                                (default ~/.config/refinery/api-key, readable by you only)
            """;

    private static final Map<String, String> KEY_FLAGS = Map.of("--scope", "scope", "--expires", "expiresAt", "--project", "project");

    private AccessCommands() {
    }

    /** Runs an access command; false when {@code command} is not one. */
    static boolean run(String command, String[] a, GatewayClient gateway, PrintStream out) {
        switch (command) {
            case "keys create" -> out.println(pretty(gateway.postJson("v1/keys", keyRequest(a), null)));
            case "keys list" -> out.println(pretty(gateway.get("v1/keys" + projectQuery(a, 2))));
            case "keys revoke" -> out.println(pretty(gateway.delete("v1/keys/" + FlagValues.positional(a, 2, "KEY_ID"))));
            case "projects list" -> out.println(pretty(gateway.get("v1/projects")));
            case "projects create" -> {
                Map<String, Object> body = new LinkedHashMap<>(Map.of("id", FlagValues.positional(a, 2, "ID")));
                FlagValues.from(a, 3).forEach(f -> body.put(flag(f, Map.of("--organization", "organization")), f.value()));
                out.println(pretty(gateway.postJson("v1/projects", body, null)));
            }
            case "audit list" -> {
                String query = FlagValues.from(a, 2).stream().map(f -> flag(f, Map.of("--action", "action")) + "=" + f.value())
                        .reduce((x, y) -> x + "&" + y).map(q -> "?" + q).orElse("");
                out.println(pretty(gateway.get("v1/audit" + query)));
            }
            case "me" -> out.println(pretty(gateway.get("v1/me")));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** {@code refinery login}: the key from standard input, checked against the gateway, written where the CLI reads it. */
    static int login(String[] a, String gatewayUrl, java.io.InputStream in, PrintStream out) throws IOException {
        Path file = Path.of(System.getProperty("user.home"), ".config", "refinery", "api-key");
        for (FlagValues f : FlagValues.from(a, 1)) {
            flag(f, Map.of("--key-file", "file"));
            file = Path.of(f.value());
        }
        String key = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.US_ASCII).strip();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("give the key on standard input, e.g. refinery login < run/admin.key");
        }
        JsonNode me = new GatewayClient(gatewayUrl, key).get("v1/me"); // a wrong key stops here with the gateway's 401
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".api-key-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, key + "\n");
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        out.println("stored key " + me.path("keyPrefix").asText() + " (project " + me.path("project").asText() + ", scope "
                + me.path("scope").asText() + ") in " + file);
        return 0;
    }

    private static Map<String, Object> keyRequest(String[] a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", FlagValues.positional(a, 2, "NAME"));
        for (FlagValues f : FlagValues.from(a, 3)) {
            if (f.flag().equals("--rate")) {
                body.put("requestsPerMinute", Integer.parseInt(f.value()));
            } else {
                body.put(flag(f, KEY_FLAGS), f.value());
            }
        }
        if (!body.containsKey("scope")) {
            throw new IllegalArgumentException("--scope is required: read, write or admin");
        }
        return body;
    }

    private static String projectQuery(String[] a, int start) {
        for (FlagValues f : FlagValues.from(a, start)) {
            flag(f, Map.of("--project", "project"));
            return "?project=" + java.net.URLEncoder.encode(f.value(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return "";
    }

    private static String flag(FlagValues f, Map<String, String> known) {
        String name = known.get(f.flag());
        if (name == null) {
            throw new IllegalArgumentException("unknown option " + f.flag() + " (known: " + String.join(", ", known.keySet()) + ")");
        }
        return name;
    }

    private static String pretty(JsonNode node) {
        return node.toPrettyString();
    }
}
