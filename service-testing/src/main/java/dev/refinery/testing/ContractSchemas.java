package dev.refinery.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The event contracts in the repository's {@code contracts/} folder, for producer tests (validate
 * what was emitted) and consumer tests (read the golden samples).
 */
public final class ContractSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ContractSchemas() {
    }

    public static Path contractsDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("contracts/schemas"))) {
                return p.resolve("contracts");
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find contracts/schemas above " + Path.of("").toAbsolutePath());
    }

    /** Fails with every violation when {@code json} does not satisfy {@code schemas/<event>.v1.json}. */
    public static void assertValid(String event, String json) {
        assertValid(event, 1, json);
    }

    /** Fails with every violation when {@code json} does not satisfy {@code schemas/<event>.v<version>.json}. */
    public static void assertValid(String event, int version, String json) {
        try (InputStream in = Files.newInputStream(contractsDir().resolve("schemas/" + event + ".v" + version + ".json"))) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            JsonNode node = JSON.readTree(json);
            Set<ValidationMessage> errors = schema.validate(node);
            if (!errors.isEmpty()) {
                throw new AssertionError(event + " does not satisfy its contract: " + errors + "\n" + json);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read the " + event + " schema or payload: " + e, e);
        }
    }

    /** A golden sample's JSON, e.g. {@code sample("job-completed-failed")}. */
    public static String sample(String name) {
        return sample(name, 1);
    }

    /** A golden sample of version {@code version}, e.g. {@code sample("job-completed-full", 2)}. */
    public static String sample(String name, int version) {
        try {
            return Files.readString(contractsDir().resolve("samples/" + name + ".v" + version + ".json"));
        } catch (IOException e) {
            throw new AssertionError("no golden sample " + name + ": " + e, e);
        }
    }
}
