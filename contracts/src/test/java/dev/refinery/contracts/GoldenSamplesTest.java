package dev.refinery.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every golden sample satisfies its event's schema, and the schemas really reject broken events. */
class GoldenSamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("").toAbsolutePath();

    static Stream<Path> samples() throws IOException {
        return Files.list(ROOT.resolve("samples")).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleSatisfiesItsSchema(Path sample) throws IOException {
        Set<ValidationMessage> errors = schemaFor(sample).validate(JSON.readTree(sample.toFile()));
        assertTrue(errors.isEmpty(), sample.getFileName() + ": " + errors);
    }

    @Test
    void everyEventHasASchemaAndASample() throws IOException {
        for (String event : List.of("dataset-uploaded", "dataset-validated", "job-submitted", "job-completed", "eval-finished", "model-promoted", "model-registered",
                "examples", "examples-rejected", "pipeline-run-finished", "pipeline-paused")) {
            assertTrue(Files.exists(ROOT.resolve("schemas/" + event + ".v1.json")), event + " schema");
            assertTrue(Files.exists(ROOT.resolve("samples/" + event + ".v1.json")), event + " sample");
        }
    }

    @Test
    void aMissingRequiredFieldOrAWrongIdIsRejected() throws IOException {
        Path sample = ROOT.resolve("samples/job-completed.v1.json");
        ObjectNode missing = (ObjectNode) JSON.readTree(sample.toFile());
        missing.remove("adapterKey");
        assertFalse(schemaFor(sample).validate(missing).isEmpty(), "a SUCCEEDED job without adapterKey must be rejected");
        ObjectNode badId = (ObjectNode) JSON.readTree(sample.toFile());
        badId.put("jobId", "job-1");
        assertFalse(schemaFor(sample).validate(badId).isEmpty(), "a malformed job id must be rejected");
    }

    @Test
    void aSucceededV2JobNeedsItsArtifactEitherInOurBucketOrAtTheProvider() throws IOException {
        Path sample = ROOT.resolve("samples/job-completed.v2.json");
        ObjectNode noArtifact = (ObjectNode) JSON.readTree(sample.toFile());
        noArtifact.remove("artifact");
        assertFalse(schemaFor(sample).validate(noArtifact).isEmpty(), "a SUCCEEDED job without its artifact must be rejected");
        ObjectNode keyWithoutBucket = (ObjectNode) JSON.readTree(sample.toFile());
        ((ObjectNode) keyWithoutBucket.get("artifact")).remove("bucket");
        assertFalse(schemaFor(sample).validate(keyWithoutBucket).isEmpty(), "a key without its bucket must be rejected");
        ObjectNode unknownType = (ObjectNode) JSON.readTree(sample.toFile());
        ((ObjectNode) unknownType.get("artifact")).put("type", "checkpoint");
        assertFalse(schemaFor(sample).validate(unknownType).isEmpty(), "an unknown artifact type must be rejected");
    }

    @Test
    void unknownFieldsAreAllowedForVersioningByAddition() throws IOException {
        Path sample = ROOT.resolve("samples/dataset-uploaded.v1.json");
        ObjectNode extra = (ObjectNode) JSON.readTree(sample.toFile());
        extra.put("someFutureField", 1);
        assertEquals(Set.of(), schemaFor(sample).validate(extra));
    }

    @Test
    void checkOptionsTheValidatorDoesNotTakeAreRejected() throws IOException {
        Path sample = ROOT.resolve("samples/dataset-uploaded-checks.v1.json");
        for (String[] bad : new String[][] {{"target", "azure"}, {"dedup", "fuzzy"}, {"overContext", "wrap"}, {"splits", "ninety/ten"}}) {
            ObjectNode event = (ObjectNode) JSON.readTree(sample.toFile());
            ((ObjectNode) event.get("checks")).put(bad[0], bad[1]);
            assertFalse(schemaFor(sample).validate(event).isEmpty(), "checks." + bad[0] + " = " + bad[1] + " must be rejected");
        }
        ObjectNode noKey = (ObjectNode) JSON.readTree(sample.toFile());
        ((ObjectNode) noKey.get("checks").get("testSet")).remove("objectKey");
        assertFalse(schemaFor(sample).validate(noKey).isEmpty(), "a test set without its object key must be rejected");
        ObjectNode badParent = (ObjectNode) JSON.readTree(ROOT.resolve("samples/dataset-uploaded-clean-version.v1.json").toFile());
        badParent.put("parentDatasetId", "ds-1");
        assertFalse(schemaFor(sample).validate(badParent).isEmpty(), "a malformed parent id must be rejected");
    }

    @Test
    void anExampleRecordNeedsItsKeyAndARejectionItsReasons() throws IOException {
        Path example = ROOT.resolve("samples/examples.v1.json");
        for (String field : List.of("tenant", "collectionId", "producerId", "idempotencyId", "example")) {
            ObjectNode missing = (ObjectNode) JSON.readTree(example.toFile());
            missing.remove(field);
            assertFalse(schemaFor(example).validate(missing).isEmpty(), "an example record without " + field + " must be rejected");
        }
        ObjectNode badProducer = (ObjectNode) JSON.readTree(example.toFile());
        badProducer.put("producerId", "has spaces");
        assertFalse(schemaFor(example).validate(badProducer).isEmpty(), "a producer id outside the pattern must be rejected");
        Path rejected = ROOT.resolve("samples/examples-rejected.v1.json");
        ObjectNode noReason = (ObjectNode) JSON.readTree(rejected.toFile());
        noReason.putArray("problems");
        assertFalse(schemaFor(rejected).validate(noReason).isEmpty(), "a rejection without a reason must be rejected");
        ObjectNode badVia = (ObjectNode) JSON.readTree(rejected.toFile());
        badVia.put("via", "carrier-pigeon");
        assertFalse(schemaFor(rejected).validate(badVia).isEmpty(), "an unknown way in must be rejected");
    }

    /** samples/job-completed-failed.v1.json -> schemas/job-completed.v1.json; samples/job-completed-full.v2.json -> schemas/job-completed.v2.json */
    @Test
    void aPromotionNamesWhereTheModelIsAndWhoMovedTheAlias() throws IOException {
        Path sample = ROOT.resolve("samples/model-promoted.v1.json");
        ObjectNode nowhere = (ObjectNode) JSON.readTree(sample.toFile());
        ((ObjectNode) nowhere.at("/model/artifact")).remove("key");
        assertFalse(schemaFor(sample).validate(nowhere).isEmpty(), "an adapter without its key must be rejected");
        ObjectNode nobody = (ObjectNode) JSON.readTree(sample.toFile());
        nobody.remove("actor");
        assertFalse(schemaFor(sample).validate(nobody).isEmpty(), "a promotion without its actor must be rejected");
        ObjectNode badAlias = (ObjectNode) JSON.readTree(sample.toFile());
        badAlias.put("alias", "Champion!");
        assertFalse(schemaFor(sample).validate(badAlias).isEmpty(), "an alias outside the pattern must be rejected");
    }

    @Test
    void aModelRegisteredFromAServerHasNoJobInTheNewVersionsOnly() throws IOException {
        JsonNode evaluation = JSON.readTree(ROOT.resolve("samples/eval-finished-endpoint.v3.json").toFile());
        assertEquals(Set.of(), schemaFor(ROOT.resolve("samples/eval-finished.v3.json")).validate(evaluation));
        assertFalse(schemaFor(ROOT.resolve("samples/eval-finished.v2.json")).validate(evaluation).isEmpty(), "v2 requires jobId");
        JsonNode promotion = JSON.readTree(ROOT.resolve("samples/model-promoted-endpoint.v2.json").toFile());
        assertFalse(schemaFor(ROOT.resolve("samples/model-promoted.v1.json")).validate(promotion).isEmpty(), "v1 requires the job");
        ObjectNode noArtifact = (ObjectNode) promotion.deepCopy();
        ((ObjectNode) noArtifact.get("model")).remove("artifact");
        assertFalse(schemaFor(ROOT.resolve("samples/model-promoted.v2.json")).validate(noArtifact).isEmpty(), "v2 still needs the artifact");
    }

    private static JsonSchema schemaFor(Path sample) throws IOException {
        String name = sample.getFileName().toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+)\\.(v[0-9]+)\\.json").matcher(name);
        if (!m.matches()) {
            throw new AssertionError(name + " is not named <event>[-variant].v<n>.json");
        }
        String event = m.group(1);
        String version = m.group(2);
        for (String variant : List.of("-invalid", "-failed", "-checks", "-clean-version", "-full", "-provider", "-rollback", "-endpoint", "-preference",
                "-unknown-collection", "-shadow")) {
            if (event.endsWith(variant)) {
                event = event.substring(0, event.length() - variant.length());
            }
        }
        try (InputStream in = Files.newInputStream(ROOT.resolve("schemas/" + event + "." + version + ".json"))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

}
