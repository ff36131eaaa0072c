package dev.refinery.gateway;

import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Health, metrics and the OpenAPI document. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(StubServices.class)
class OperationsTest {

    @Test
    void readinessReportsEveryServiceAndKafka() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'upstream-services' }.data.ingest-service", equalTo("UP"))
                .body("checks.find { it.name == 'upstream-services' }.data.validation-service", equalTo("UP"))
                .body("checks.find { it.name == 'upstream-services' }.data.training-service", equalTo("UP"))
                .body("checks.find { it.name == 'upstream-services' }.data.eval-service", equalTo("UP"))
                .body(containsString("job-completed"));
    }

    @Test
    void upstreamCallsAreCountedAndTimed() {
        given().when().get("/v1/fine-tunes/ft-metrics").then().statusCode(200);
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("refinery_gateway_upstream_requests_total{outcome=\"2xx\",service=\"training-service\"}"))
                .body(containsString("refinery_gateway_upstream_request_seconds_count{service=\"training-service\"}"))
                .body(containsString("refinery_gateway_sse_clients"));
    }

    @Test
    void theOpenApiDocumentDescribesThePublicApi() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths.keySet()", org.hamcrest.Matchers.hasItems("/v1/datasets", "/v1/datasets/{id}", "/v1/datasets/{id}/problems",
                        "/v1/fine-tunes", "/v1/fine-tunes/{id}", "/v1/fine-tunes/{id}/metrics", "/v1/fine-tunes/{id}/events",
                        "/v1/evals", "/v1/evals/{id}", "/v1/evals/{id}/items", "/v1/events",
                        "/v1/collections", "/v1/collections/{id}", "/v1/collections/{id}/rejections", "/v1/collections/{id}/examples"))
                .body("paths.'/v1/datasets'.post.summary", equalTo("Upload a JSONL dataset"));
    }
}
