package dev.refinery.validation;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

/** The report API's answers: paging, filtering, and problem+json errors. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class ReportResourceTest {

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void problemsArePagedInLineOrderAndFilteredByRule() {
        String id = Fixtures.newDatasetId();
        List<String> lines = new ArrayList<>(Fixtures.goodRecords("paged", 30));
        for (int i = 0; i < 30; i += 3) {
            lines.set(i, "{\"messages\":[]}"); // lines 1, 4, 7, ... 28
        }
        lines.set(1, "{\"messages\":[{\"role\":\"user\",\"content\":1},{\"role\":\"assistant\",\"content\":null}]}"); // two problems on line 2
        new Fixtures(storage, kafka).upload(id, lines);
        Fixtures.awaitReport(id).body("status", equalTo("INVALID")).body("invalidRecords", equalTo(11)).body("problems", equalTo(12));

        given().when().get("/reports/" + id + "/problems?limit=3&offset=0").then().statusCode(200)
                .body("total", equalTo(12)).body("kept", equalTo(12)).body("limit", equalTo(3))
                .body("items.line", contains(1, 2, 2))
                .body("items.path", contains("messages", "messages[0].content", "messages[1].content"));
        given().when().get("/reports/" + id + "/problems?limit=3&offset=3").then().statusCode(200)
                .body("items.line", contains(4, 7, 10));
        given().when().get("/reports/" + id + "/problems?rule=DATASET_CONTENT_NOT_STRING").then().statusCode(200)
                .body("total", equalTo(2)).body("items", hasSize(2));
        given().when().get("/reports/" + id + "/problems?rule=DATASET_ROLE_ORDER").then().statusCode(200)
                .body("total", equalTo(0)).body("items", hasSize(0));
    }

    @Test
    void anUnknownDatasetIsAProblem404() {
        given().when().get("/reports/ds-00000000000000000000000000000000")
                .then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("REPORT_NOT_FOUND")).body("status", equalTo(404));
        given().when().get("/reports/ds-00000000000000000000000000000000/problems")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("REPORT_NOT_FOUND"));
    }

    @Test
    void malformedIdsAndParametersAreProblem400s() {
        given().when().get("/reports/not-a-dataset")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("DATASET_ID_INVALID")).body("field", equalTo("datasetId"));
        given().when().get("/reports/ds-00000000000000000000000000000000/problems?limit=0")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("PAGE_INVALID"));
        given().when().get("/reports/ds-00000000000000000000000000000000/problems?offset=many")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("PAGE_INVALID")).body("field", equalTo("offset"));
        given().when().get("/reports/ds-00000000000000000000000000000000/problems?rule=NO_SUCH_RULE")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("RULE_UNKNOWN")).body("knownRules", hasItem("DATASET_ROLE_ORDER"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        String id = Fixtures.newDatasetId();
        new Fixtures(storage, kafka).upload(id, Fixtures.goodRecords("metrics", 10));
        Fixtures.awaitReport(id).body("status", equalTo("VALID"));
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("object-storage"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("refinery_validation_runs_total"))
                .body(containsString("refinery_validation_records_total"))
                .body(containsString("refinery_validation_run_seconds"))
                .body(containsString("refinery_outbox_events_recorded_total"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/reports/{datasetId}/problems"));
    }
}
