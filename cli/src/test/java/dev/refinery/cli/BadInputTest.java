package dev.refinery.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input: each a one-line error with its exit code, never a stack trace. */
class BadInputTest {

    private static final String UNAUTHORIZED = "{\"status\":401,\"code\":\"AUTH_REQUIRED\",\"detail\":\"send an API key: Authorization: Bearer rfy_...\"}";

    private static void oneLine(CliRun r) {
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    @Test
    void noKeyConfiguredSaysHowToConfigureOne() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("GET /v1/fine-tunes", new FakeGateway.Answer(401, UNAUTHORIZED))) {
            CliRun r = CliRun.run("--gateway", gateway.url(), "fine-tunes", "list");
            assertEquals(77, r.code());
            oneLine(r);
            for (String way : new String[]{"no API key configured", "REFINERY_API_KEY", "REFINERY_API_KEY_FILE", "~/.config/refinery/api-key",
                    "refinery login"}) {
                assertTrue(r.err().contains(way), way + " in " + r.err());
            }
        }
    }

    @Test
    void aRefusedKeyIsNamedAsRefused() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("GET /v1/me", new FakeGateway.Answer(401, UNAUTHORIZED))
                .on("GET /v1/keys", new FakeGateway.Answer(403, "{\"status\":403,\"code\":\"AUTH_SCOPE_INSUFFICIENT\",\"detail\":\"this route needs a key with scope admin\"}"))) {
            CliRun r = CliRun.run(Map.of("REFINERY_API_KEY", "rfy_wrong"), "--gateway", gateway.url(), "me");
            assertEquals(77, r.code());
            oneLine(r);
            assertTrue(r.err().contains("the gateway refused the API key") && r.err().contains("REFINERY_API_KEY"), r.err());
            CliRun scope = CliRun.run(Map.of("REFINERY_API_KEY", "rfy_read"), "--gateway", gateway.url(), "keys", "list");
            assertEquals(77, scope.code());
            assertTrue(scope.err().contains("needs a key with scope admin"), scope.err());
        }
    }

    @Test
    void loginChecksTheKeyAndStoresItForYouAloneOrSaysItWasRefused(@TempDir Path dir) throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("GET /v1/me", new FakeGateway.Answer(401, UNAUTHORIZED),
                FakeGateway.Answer.ok("{\"keyPrefix\":\"rfy_ab\",\"project\":\"default\",\"scope\":\"admin\"}"))) {
            Path file = dir.resolve("conf/api-key");
            CliRun refused = login(gateway, file, "rfy_wrong");
            assertEquals(77, refused.code());
            oneLine(refused);
            assertTrue(refused.err().contains("the gateway refused the key given on standard input"), refused.err());
            assertFalse(Files.exists(file), "nothing stored");
            CliRun stored = login(gateway, file, "rfy_right\n");
            assertEquals(0, stored.code(), stored.err());
            assertEquals("stored key rfy_ab (project default, scope admin) in " + file + "\n", stored.out());
            assertEquals("rfy_right\n", Files.readString(file));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    private static CliRun login(FakeGateway gateway, Path file, String key) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = RefineryCli.run(new String[]{"--gateway", gateway.url(), "login", "--key-file", file.toString()},
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.ByteArrayInputStream(key.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), CliRun.NO_KEY, false);
        return new CliRun(code, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("api-key");
        Files.writeString(key, "rfy_x");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        try (FakeGateway gateway = new FakeGateway()) {
            CliRun r = CliRun.run(Map.of("REFINERY_API_KEY_FILE", key.toString()), "--gateway", gateway.url(), "me");
            assertEquals(77, r.code());
            oneLine(r);
            assertTrue(r.err().contains("chmod 600"), r.err());
            assertTrue(gateway.seen().isEmpty());
        }
    }

    @Test
    void aGatewayThatIsNotRunningIsOneLineSayingHowToStartIt() {
        CliRun r = CliRun.run(Map.of("REFINERY_GATEWAY", "http://127.0.0.1:1", "REFINERY_API_KEY", "rfy_x"), "datasets", "get", "ds-1");
        assertEquals(69, r.code());
        oneLine(r);
        assertTrue(r.err().contains("http://127.0.0.1:1/") && r.err().contains("connection refused") && r.err().contains("./refinery up"), r.err());
    }

    @Test
    void aFileThatIsMissingOrUnreadableIsOneLine(@TempDir Path dir) throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            CliRun upload = CliRun.run("--gateway", gateway.url(), "datasets", "upload", dir.resolve("nope.jsonl").toString());
            assertEquals(66, upload.code());
            oneLine(upload);
            assertTrue(upload.err().contains("no such file: " + dir.resolve("nope.jsonl")), upload.err());
            CliRun send = CliRun.run("--gateway", gateway.url(), "collections", "send", "col-1", dir.toString());
            assertEquals(66, send.code());
            oneLine(send);
            assertTrue(send.err().contains("it is a directory"), send.err());
            Path locked = Files.writeString(dir.resolve("locked.jsonl"), "{}\n");
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
            if (!Files.isReadable(locked)) { // root reads anything
                CliRun check = CliRun.run("datasets", "check", locked.toString());
                assertEquals(66, check.code());
                oneLine(check);
            }
            assertTrue(gateway.seen().isEmpty(), "nothing sent");
        }
    }

    @Test
    void anUnknownOptionOrCommandIsOneLineWithTheNearest() {
        CliRun option = CliRun.run("datasets", "check", "x.jsonl", "--tagret", "together");
        assertEquals(64, option.code());
        oneLine(option);
        assertTrue(option.err().contains("unknown option --tagret; did you mean --target?"), option.err());
        CliRun verb = CliRun.run("datasets", "uplaod", "x.jsonl");
        assertEquals(64, verb.code());
        oneLine(verb);
        assertTrue(verb.err().contains("unknown command uplaod; did you mean upload?"), verb.err());
    }
}
