package dev.refinery.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** POST /estimates over HTTP: the catalog's worked example, ranges, no price, bad input, and counts from a validated dataset. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class EstimateResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"llama-3.1-8b, 2.88", "llama-3.1-70b, 17.4"})
    void theWorkedExample2MTokens3EpochsLoraOnTogether(String model, float dollars) {
        estimate("{\"backend\":\"together\",\"model\":\"" + model + "\",\"trainingType\":\"lora\",\"method\":\"sft\",\"epochs\":3,"
                + "\"trainingTokens\":2000000,\"examples\":5000}")
                .statusCode(200)
                .body("priced", equalTo(true))
                .body("expected", equalTo(dollars))
                .body("low", equalTo(dollars))
                .body("high", equalTo(dollars))
                .body("summary", equalTo(String.format(java.util.Locale.ROOT, "$%.2f (USD)", dollars)))
                .body("billedTokens.expected", equalTo(6_000_000))
                .body("epochs", equalTo(3))
                .body("trainingType", equalTo("lora"))
                .body("pricePerMillion", notNullValue())
                .body("priceSource", notNullValue())
                .body("tokens.source", equalTo("request"))
                .body("tokens.training.exact", equalTo(true));
    }

    @Test
    void estimatedCountsGiveARangeAndUnpricedModelsSaySoWithoutANumber() {
        estimate("{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"epochs\":3,\"trainingTokens\":2000000,\"examples\":5000,\"relativeError\":0.12}")
                .statusCode(200)
                .body("summary", equalTo("$2.53 to $3.23, expected $2.88 (USD)"))
                .body("billedTokens.low", equalTo(5_280_000))
                .body("billedTokens.high", equalTo(6_720_000));
        estimate("{\"backend\":\"together\",\"model\":\"deepseek-r1\",\"epochs\":1,\"trainingTokens\":1000,\"examples\":10}")
                .statusCode(200)
                .body("priced", equalTo(false))
                .body("expected", nullValue())
                .body("exact", nullValue())
                .body("reason", notNullValue())
                .body("billedTokens.expected", equalTo(1000));
    }

    @Test
    void anUnknownModelGetsNearMatchesAndBadFieldsAreNamed() {
        estimate("{\"backend\":\"together\",\"model\":\"llama-3.1-8bb\",\"trainingTokens\":1}")
                .statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("CATALOG_MODEL_UNKNOWN"))
                .body("field", equalTo("model"))
                .body("nearMatches", hasItem("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"));
        estimate("{\"backend\":\"azure\",\"model\":\"x\",\"trainingTokens\":1}")
                .statusCode(400).body("code", equalTo("CATALOG_BACKEND_UNKNOWN")).body("field", equalTo("backend")).body("allowed", hasItem("together"));
        estimate("{\"backend\":\"openai\",\"model\":\"gpt-4o-mini\",\"trainingType\":\"lora\",\"trainingTokens\":1,\"examples\":1}")
                .statusCode(400).body("code", equalTo("CATALOG_TRAINING_TYPE_UNSUPPORTED")).body("field", equalTo("trainingType"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"llama-3.1-8b\",\"trainingTokens\":1}                                          | backend",
            "{\"backend\":\"together\",\"model\":\"llama-3.1-8b\"}                                      | trainingTokens",
            "{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"trainingTokens\":1,\"epochs\":\"three\"} | epochs",
            "{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"trainingTokens\":-5}                | trainingTokens",
            "{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"trainingTokens\":1,\"trainingType\":\"qlora\"} | trainingType",
            "{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"trainingTokens\":1,\"relativeError\":1.5} | relativeError",
            "{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"trainingTokens\":1,\"evaluations\":2} | validationTokens",
            "{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"datasetId\":\"ds-1\"}               | datasetId",
            "{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"datasetId\":\"ds-00000000000000000000000000000000\",\"trainingTokens\":1} | trainingTokens",
    })
    void aBadFieldIsA400NamingIt(String body, String field) {
        estimate(body).statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("ESTIMATE_FIELD_INVALID"))
                .body("field", equalTo(field));
    }

    @Test
    void countsComeFromAValidatedDatasetsReportForModelsSharingItsTokenizer() throws Exception {
        Fixtures fixtures = new Fixtures(storage, kafka);
        String id = Fixtures.newDatasetId();
        fixtures.upload(id, "priced", Fixtures.goodRecords("priced", 50),
                "\"checks\":{\"target\":\"together\",\"model\":\"meta-llama/Meta-Llama-3.1-8B-Instruct-Reference\"}");
        Fixtures.awaitReport(id).body("status", equalTo("VALID"));
        JsonNode tokens = JSON.readTree(storage.read("datasets/" + id + "/validated/report.json")).get("tokens");
        long train = tokens.get("splits").get("train").get("tokens").asLong();
        long trainRecords = tokens.get("splits").get("train").get("records").asLong();
        long validation = tokens.get("splits").get("validation").get("tokens").asLong();

        estimate("{\"datasetId\":\"" + id + "\",\"backend\":\"together\",\"model\":\"llama-3.1-70b\",\"epochs\":3}")
                .statusCode(200)
                .body("priced", equalTo(true))
                .body("tokens.source", equalTo("report"))
                .body("tokens.datasetId", equalTo(id))
                .body("tokens.training.tokens", equalTo((int) train))
                .body("tokens.training.examples", equalTo((int) trainRecords))
                .body("tokens.training.exact", equalTo(!tokens.get("estimate").asBoolean()))
                .body("billedTokens.expected", equalTo((int) (3 * train)))
                .body("billedTokens.low", lessThan((int) (3 * train)))
                .body("billedTokens.high", greaterThan((int) (3 * train)));

        estimate("{\"datasetId\":\"" + id + "\",\"backend\":\"openai\",\"model\":\"gpt-4o-mini\"}")
                .statusCode(409).body("code", equalTo("ESTIMATE_TOKENIZER_MISMATCH"));
        estimate("{\"datasetId\":\"" + id + "\",\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"epochs\":3,\"evaluations\":1}")
                .statusCode(200).body("billedTokens.expected", equalTo((int) (3 * train + validation)));
        estimate("{\"datasetId\":\"ds-00000000000000000000000000000000\",\"backend\":\"together\",\"model\":\"llama-3.1-8b\"}")
                .statusCode(404).body("code", equalTo("REPORT_NOT_FOUND"));
    }

    private static ValidatableResponse estimate(String body) {
        return given().contentType("application/json").body(body).when().post("/estimates").then();
    }
}
