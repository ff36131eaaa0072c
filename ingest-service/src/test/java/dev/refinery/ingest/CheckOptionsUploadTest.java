package dev.refinery.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Check options given with an upload: refused before storing when the validator would not take them, else carried in the event. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class CheckOptionsUploadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n"
            .getBytes(StandardCharsets.UTF_8);

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void optionsAreCheckedCanonicalisedStoredAndCarriedInTheEvent() throws Exception {
        String testSet = upload("name=held-out");
        String id = given().contentType("application/x-ndjson").body(BODY)
                .when().post("/datasets?name=with-options&model=LLAMA-3.1-8B&target=Together&splits=90/10&dedup=near"
                        + "&overContext=Truncate&epochs=3&evals=2&testSet=" + testSet)
                .then().statusCode(201)
                .body("checks.target", equalTo("together"))
                .body("checks.model", equalTo("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"))
                .body("checks.splits", equalTo("90/10/0"))
                .body("checks.dedup", equalTo("normalized"))
                .body("checks.overContext", equalTo("truncate"))
                .body("checks.epochs", equalTo(3))
                .body("checks.evaluations", equalTo(2))
                .body("checks.testSet", equalTo(testSet))
                .body("parentDatasetId", nullValue())
                .extract().path("id");
        given().when().get("/datasets/" + id).then().statusCode(200).body("checks.model", equalTo("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"));

        ConsumerRecord<String, String> event = new TopicProbe(kafka).await("dataset-uploaded", r -> id.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("dataset-uploaded", event.value());
        JsonNode checks = JSON.readTree(event.value()).get("checks");
        assertEquals("together", checks.get("target").asText());
        assertEquals("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", checks.get("model").asText());
        assertEquals(3, checks.get("epochs").asInt());
        assertEquals(testSet, checks.get("testSet").get("datasetId").asText());
        String testSetKey = given().when().get("/datasets/" + testSet).then().extract().path("objectKey");
        assertEquals(testSetKey, checks.get("testSet").get("objectKey").asText(), "the validator reads the test set from where it is stored");
    }

    @Test
    void aModelWithoutATargetNamesItsBackendAndNoOptionsMeansNoChecksObject() throws Exception {
        String id = upload("model=gpt-4o-mini");
        given().when().get("/datasets/" + id).then()
                .body("checks.target", equalTo("openai"))
                .body("checks.model", equalTo("gpt-4o-mini-2024-07-18"))
                .body("checks.splits", nullValue());
        String plain = upload("name=plain");
        given().when().get("/datasets/" + plain).then().body("checks", nullValue());
        ConsumerRecord<String, String> event = new TopicProbe(kafka).await("dataset-uploaded", r -> plain.equals(r.key()), Duration.ofSeconds(20));
        assertFalse(JSON.readTree(event.value()).has("checks"), "an upload without options carries no checks object");
    }

    @ParameterizedTest(name = "{0} -> {1} on {2}")
    @CsvSource(delimiter = '|', value = {
            "target=azure                   | CHECK_OPTION_INVALID | target      | together",
            "splits=ninety/ten              | CHECK_OPTION_INVALID | splits      | 90/10",
            "splits=90/20                   | CHECK_OPTION_INVALID | splits      | 80/10/10",
            "dedup=fuzzy                    | CHECK_OPTION_INVALID | dedup       | normalized",
            "overContext=wrap               | CHECK_OPTION_INVALID | overContext | truncate",
            "epochs=0                       | CHECK_OPTION_INVALID | epochs      | ",
            "evals=some                     | CHECK_OPTION_INVALID | evals       | ",
            "testSet=train.jsonl            | CHECK_OPTION_INVALID | testSet     | ",
            "testSet=ds-00000000000000000000000000000000 | TEST_SET_NOT_FOUND | testSet | ",
            "model=llama-3.1-8b             | CHECK_OPTION_INVALID | target      | fireworks",
    })
    void aBadOptionIsA400NamingTheFieldAndNothingIsStored(String query, String code, String field, String allowed) {
        String name = "refused-" + UUID.randomUUID();
        var response = given().contentType("application/x-ndjson").body(BODY)
                .when().post("/datasets?name=" + name + "&" + query)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo(code))
                .body("field", equalTo(field));
        if (allowed != null) {
            response.body("allowed", hasItem(allowed));
        }
        assertEquals(List.of(), storage.list("datasets/").stream().filter(k -> k.endsWith("/" + name + ".jsonl")).toList());
    }

    @Test
    void anUnknownModelGetsNearMatches() {
        given().contentType("application/x-ndjson").body(BODY)
                .when().post("/datasets?target=together&model=llama-3.1-8bb")
                .then().statusCode(400)
                .body("code", equalTo("CATALOG_MODEL_UNKNOWN"))
                .body("field", equalTo("model"))
                .body("detail", containsString("llama-3.1-8bb"))
                .body("nearMatches", hasItem("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"));
    }

    @Test
    void aFixedTestSetTakesNoTestShare() {
        String testSet = upload("name=held-out");
        given().contentType("application/x-ndjson").body(BODY)
                .when().post("/datasets?splits=80/10/10&testSet=" + testSet)
                .then().statusCode(400)
                .body("code", equalTo("CHECK_OPTION_INVALID"))
                .body("field", equalTo("splits"))
                .body("detail", containsString("train and validation only"));
    }

    private static String upload(String query) {
        return given().contentType("application/x-ndjson").body(BODY).when().post("/datasets?" + query)
                .then().statusCode(201).extract().path("id");
    }
}
