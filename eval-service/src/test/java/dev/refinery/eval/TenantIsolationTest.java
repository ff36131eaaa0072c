package dev.refinery.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.eval.mapping.EvaluationMapper;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.eval.repository.Verdict;
import dev.refinery.eval.service.ComparisonSummary;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Evaluations belong to their job's tenant: another tenant can neither read nor list them, nor their per-item results
 * (held-out prompts and references), and cannot even learn that they exist: the answer is the one an unknown id gets.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class TenantIsolationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = "tenant-a";
    private static final String B = "tenant-b";

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void anotherTenantsEvaluationAndItsItemsAnswerExactlyLikeOnesThatDoNotExist() throws Exception {
        String jobId = EvalFixtures.jobId();
        String id = insertCompleted(A, jobId);
        String unknown = "ev-" + UUID.randomUUID().toString().replace("-", "");

        // Its owner, even with a read-only key, sees it, its items and it in its lists.
        given().header(IdentityTokens.HEADER, as(A)).when().get("/evals/" + id).then().statusCode(200).body("jobId", equalTo(jobId));
        given().header(IdentityTokens.HEADER, as(A)).when().get("/evals/" + id + "/items").then().statusCode(200)
                .body("items[0].prompt", equalTo("a held-out prompt of tenant-a"));
        given().header(IdentityTokens.HEADER, as(A)).when().get("/evals?jobId=" + jobId).then().statusCode(200).body("id", hasItem(id));
        given().header(IdentityTokens.HEADER, as(A)).when().get("/evals?limit=500").then().statusCode(200).body("id", hasItem(id));

        // Another tenant: the same 404, word for word, as for an id nobody has.
        for (String path : List.of("/evals/%s", "/evals/%s/items")) {
            Response theirs = given().header(IdentityTokens.HEADER, as(B)).when().get(path.formatted(id));
            Response nobodys = given().header(IdentityTokens.HEADER, as(B)).when().get(path.formatted(unknown));
            assertEquals(404, theirs.statusCode(), theirs.asString());
            assertEquals("application/problem+json", theirs.contentType());
            assertEquals(nobodys.statusCode(), theirs.statusCode());
            assertEquals(JSON.readTree(nobodys.asString().replace(unknown, "ID")), JSON.readTree(theirs.asString().replace(id, "ID")));
            assertEquals("EVAL_NOT_FOUND", JSON.readTree(theirs.asString()).get("code").asText());
        }
        given().header(IdentityTokens.HEADER, as(B)).when().get("/evals?jobId=" + jobId).then().statusCode(200).body("size()", equalTo(0));
        given().header(IdentityTokens.HEADER, as(B)).when().get("/evals?limit=500").then().statusCode(200).body("id", not(hasItem(id)));
        given().when().get("/evals?limit=500").then().statusCode(200).body("id", not(hasItem(id))); // nor the default tenant
    }

    @Test
    void evaluationRoutesActForATenantOnly() {
        String id = insertCompleted(A, EvalFixtures.jobId());
        given().header(IdentityTokens.HEADER, "").when().get("/evals/" + id).then().statusCode(401)
                .body("code", equalTo("IDENTITY_REQUIRED"));
        // One of Refinery's services acts for no tenant: it has no business on a tenant's route.
        given().header(IdentityTokens.HEADER, TestIdentity.service("gateway")).when().get("/evals/" + id).then().statusCode(403)
                .body("code", equalTo("IDENTITY_NOT_A_TENANT"));
        given().header(IdentityTokens.HEADER, TestIdentity.service("gateway")).when().get("/evals").then().statusCode(403);
    }

    @Test
    void anEvaluationBelongsToItsJobsTenantAndItsEvalFinishedSaysSo() throws Exception {
        TopicProbe probe = new TopicProbe(kafka);
        String jobId = EvalFixtures.jobId();
        // Its adapter was never stored: the evaluation ends FAILED at once, which is all this needs.
        EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.ofTenant(A,
                EvalFixtures.succeededV2(jobId, EvalFixtures.datasetId(), "lora-adapter", "jobs/" + jobId + "/adapter/")), 2);

        JsonPath eval = EvalFixtures.awaitFinished(jobId, as(A));
        assertEquals("EVAL_ADAPTER_MISSING", eval.getString("failureCode"));
        String id = eval.getString("id");
        given().header(IdentityTokens.HEADER, as(B)).when().get("/evals/" + id).then().statusCode(404);
        given().when().get("/evals/" + id).then().statusCode(404);

        ConsumerRecord<String, String> event = probe.await("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("eval-finished", 3, event.value());
        JsonNode payload = JSON.readTree(event.value());
        assertEquals(A, payload.get("tenant").asText());
        assertEquals("FAILED", payload.get("status").asText());
    }

    @Test
    void aJobCompletedWhoseTenantBreaksTheContractIsDeadLettered() {
        TopicProbe probe = new TopicProbe(kafka);
        String jobId = EvalFixtures.jobId();
        EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.ofTenant("../tenant-a",
                EvalFixtures.succeededV2(jobId, EvalFixtures.datasetId(), "lora-adapter", "jobs/" + jobId + "/adapter/")), 2);
        probe.await("job-completed.dlq", r -> jobId.equals(r.key()), Duration.ofSeconds(30));
    }

    private static String as(String tenant) {
        return TestIdentity.header(tenant, Scope.READ);
    }

    /** A COMPLETED evaluation of {@code tenant} with one per-item result in object storage. */
    private String insertCompleted(String tenant, String jobId) {
        String id = "ev-" + UUID.randomUUID().toString().replace("-", "");
        String itemsKey = "evals/" + id + "/items.jsonl";
        storage.put(itemsKey, ("{\"index\":0,\"prompt\":\"a held-out prompt of " + tenant + "\",\"reference\":\"its answer\"}\n")
                .getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        QuarkusTransaction.requiringNew().run(() -> {
            Evaluation e = new Evaluation();
            e.id = id;
            e.tenant = tenant;
            e.jobId = jobId;
            e.datasetId = EvalFixtures.datasetId();
            e.baseModel = "stories260K";
            e.bucket = "refinery";
            e.artifactType = ArtifactType.LORA_ADAPTER;
            e.artifactKey = "jobs/" + jobId + "/adapter/";
            e.sourceEventId = UUID.randomUUID().toString();
            e.status = EvaluationStatus.COMPLETED;
            e.metric = "opening_match";
            e.maxTokens = 48;
            e.maxItems = 200;
            EvaluationMapper.recordResult(e, new ComparisonSummary("opening_match", 1, "stories260K", "stories260K+" + jobId, 0.0, 1.0,
                    1.9, 1.2, 1.0, -0.5, 1.0, 0.95, Verdict.NO_SIGNIFICANT_DIFFERENCE, 0.1, null, java.util.List.of(), null), itemsKey);
            e.attempts = 1;
            e.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            e.finishedAt = e.createdAt;
            e.persist();
        });
        return id;
    }
}
