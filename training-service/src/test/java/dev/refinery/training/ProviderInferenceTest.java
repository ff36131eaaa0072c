package dev.refinery.training;

import dev.refinery.identity.IdentityTokens;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/**
 * inference-service asks a provider for a completion through here, with the project's key, which never leaves this service:
 * the project's stored key wins over the deployment's, the provider's answer (a stream included) and its errors pass back as
 * they are, and only Refinery's services may ask.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(ProviderStubs.class)
class ProviderInferenceTest {

    private static final String PATH = "/together/v1/chat/completions";
    private static final String BODY = "{\"model\":\"acme/story-ft\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aProjectsModelIsAskedWithItsOwnKeyAndTheAnswerPassesBack() {
        String tenant = "t-serve";
        TestIdentity.actAs(tenant);
        given().contentType(ContentType.JSON).body(Map.of("apiKey", "tg-tenant-key-0123456789")).when()
                .put("/tenants/" + tenant + "/secrets/together").then().statusCode(200);
        ProviderStubs.server.stubFor(post(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer tg-tenant-key-0123456789"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                                + "\"assistant\",\"content\":\"Once upon a time\"},\"finish_reason\":\"stop\"}]}")));
        String service = TestIdentity.service("inference-service");
        given().header(IdentityTokens.HEADER, service).contentType(ContentType.JSON).body(BODY)
                .when().post("/internal/providers/together/chat/completions?tenant=" + tenant).then().statusCode(200)
                .body("choices[0].message.content", org.hamcrest.Matchers.equalTo("Once upon a time"))
                .body(not(containsString("tg-tenant-key")));
        ProviderStubs.server.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization",
                equalTo("Bearer tg-tenant-key-0123456789")));

        // A project with no key of its own, and not allowed on the deployment's: refused before any call, saying what to do.
        given().header(IdentityTokens.HEADER, service).contentType(ContentType.JSON).body(BODY)
                .when().post("/internal/providers/together/chat/completions?tenant=t-keyless").then().statusCode(400)
                .body("error.code", org.hamcrest.Matchers.equalTo("provider_key_missing"))
                .body("error.message", containsString("/v1/tenants/t-keyless/secrets/together"));
        // The provider's own errors pass back (they carry no key).
        ProviderStubs.server.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing("broken"))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"model overloaded\",\"code\":\"service_unavailable\"}}")));
        given().header(IdentityTokens.HEADER, service).contentType(ContentType.JSON).body(BODY.replace("hi", "broken"))
                .when().post("/internal/providers/together/chat/completions?tenant=" + tenant).then().statusCode(503)
                .body("error.message", org.hamcrest.Matchers.equalTo("model overloaded"));
        // Only Refinery's services ask; an unknown provider is 404.
        given().contentType(ContentType.JSON).body(BODY).when().post("/internal/providers/together/chat/completions?tenant=" + tenant)
                .then().statusCode(403).body("code", org.hamcrest.Matchers.equalTo("IDENTITY_SERVICE_ONLY"));
        given().header(IdentityTokens.HEADER, service).contentType(ContentType.JSON).body(BODY)
                .when().post("/internal/providers/kubernetes/chat/completions?tenant=" + tenant).then().statusCode(404)
                .body("error.code", org.hamcrest.Matchers.equalTo("provider_unknown"));
    }
}
