package dev.refinery.gateway;

import dev.refinery.identity.Caller;
import dev.refinery.identity.Scope;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * API keys at the gateway: none, a malformed, unknown, revoked or expired one answers 401; a scope below the route's 403;
 * a key is shown once and stored as a hash; the services receive the caller's project, scope and key prefix, signed; the
 * audit log records who did what.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(StubServices.class)
class AuthenticationTest {

    @jakarta.inject.Inject
    dev.refinery.gateway.identity.KeyStore keyStore;

    @Test
    void onTheOpenAiRoutesTheGatewaysOwnErrorsTakeOpenAisShape() {
        for (String path : List.of("/v1/chat/completions", "/v1/completions")) {
            given().header("Authorization", "").contentType("application/json").body("{}").when().post(path).then().statusCode(401)
                    .contentType("application/json").body("error.code", equalTo("AUTH_REQUIRED"))
                    .body("error.type", equalTo("invalid_request_error")).body("error.message", startsWith("send an API key"));
        }
        given().header("Authorization", "").when().get("/v1/models/champion").then().statusCode(401)
                .body("error.code", equalTo("AUTH_REQUIRED"));
        // Every other route keeps problem+json.
        given().header("Authorization", "").when().get("/v1/fine-tunes").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("AUTH_REQUIRED"));
    }

    @Test
    void withoutAValidKeyEveryRouteAnswers401AndSaysHowToAuthenticate() {
        given().header("Authorization", "").when().get("/v1/fine-tunes").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer")).body("code", equalTo("AUTH_REQUIRED"));
        for (String bad : new String[]{"Basic dXNlcjpwYXNz", "Bearer nonsense", "Bearer rfy_AAAAAAAA_" + "A".repeat(32),
                "Bearer " + "x".repeat(10_000), "Bearer rfy_../../etc_passwd", "Bearer alg-none.eyJ9.", "Bearer \u00e9t\u00e9"}) {
            String body = given().header("Authorization", bad).when().get("/v1/fine-tunes").then().statusCode(401)
                    .body("code", equalTo(bad.startsWith("Bearer ") ? "AUTH_INVALID" : "AUTH_INVALID")).extract().asString();
            assertFalse(body.contains("default"), "nothing about any tenant in " + body);
        }
        given().header("Authorization", "").when().get("/q/health/live").then().statusCode(200); // probes stay open
    }

    @Test
    void aKeyIsShownOnceStoredAsAHashAndItsScopeIsEnforced() {
        String key = createKey("reader", "read", null);
        String prefix = key.substring(0, 12);
        given().when().get("/v1/keys").then().statusCode(200).body("prefix", hasItem(prefix))
                .body(not(org.hamcrest.Matchers.containsString(key.substring(13))));
        given().header("Authorization", "Bearer " + key).when().get("/v1/fine-tunes/ft-1").then().statusCode(200);
        given().header("Authorization", "Bearer " + key).when().post("/v1/fine-tunes/ft-1/cancel").then().statusCode(403)
                .body("code", equalTo("AUTH_SCOPE_INSUFFICIENT")).body("requiredScope", equalTo("write"));
        given().header("Authorization", "Bearer " + key).when().get("/v1/keys").then().statusCode(403);
        String writer = createKey("writer", "write", null);
        given().header("Authorization", "Bearer " + writer).when().post("/v1/fine-tunes/ft-1/cancel").then().statusCode(200);
        given().header("Authorization", "Bearer " + writer).contentType(ContentType.JSON).body(Map.of("name", "x", "scope", "admin"))
                .when().post("/v1/keys").then().statusCode(403);
    }

    @Test
    void aRevokedOrExpiredKeyStopsWorking() throws Exception {
        String key = createKey("soon revoked", "write", null);
        String id = given().when().get("/v1/keys").then().extract().jsonPath()
                .getString("find { it.prefix == '" + key.substring(0, 12) + "' }.id");
        given().header("Authorization", "Bearer " + key).when().get("/v1/me").then().statusCode(200).body("scope", equalTo("write"));
        given().when().delete("/v1/keys/" + id).then().statusCode(200).body("revokedAt", org.hamcrest.Matchers.notNullValue());
        given().header("Authorization", "Bearer " + key).when().get("/v1/me").then().statusCode(401).body("code", equalTo("AUTH_KEY_REVOKED"));

        String brief = createKey("brief", "read", OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2));
        given().header("Authorization", "Bearer " + brief).when().get("/v1/me").then().statusCode(200);
        Thread.sleep(2500);
        given().header("Authorization", "Bearer " + brief).when().get("/v1/me").then().statusCode(401).body("code", equalTo("AUTH_KEY_EXPIRED"));
    }

    @Test
    void theServicesReceiveTheCallersProjectScopeAndKeyPrefixSigned() {
        String token = given().when().get("/v1/fine-tunes/ft-1").then().statusCode(200).extract().path("identity");
        Caller caller = TestIdentity.tokens().verify(token);
        assertEquals("default", caller.tenant());
        assertEquals(Scope.ADMIN, caller.scope());
        assertEquals(TestIdentity.bootstrapKey().orElseThrow().substring(0, 12), caller.subject());
    }

    @Test
    void aProjectsKeyActsForThatProjectOnly() {
        given().contentType(ContentType.JSON).body(Map.of("id", "acme")).when().post("/v1/projects").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("id", "acme")).when().post("/v1/projects").then().statusCode(409);
        String acme = given().contentType(ContentType.JSON).body(Map.of("name", "acme admin", "scope", "admin", "project", "acme"))
                .when().post("/v1/keys").then().statusCode(201).extract().path("key");
        given().header("Authorization", "Bearer " + acme).when().get("/v1/me").then().body("project", equalTo("acme"));
        String token = given().header("Authorization", "Bearer " + acme).when().get("/v1/fine-tunes").then().statusCode(200).extract().path("identity");
        assertEquals("acme", TestIdentity.tokens().verify(token).tenant());
        given().header("Authorization", "Bearer " + acme).when().get("/v1/tenants/default/secrets/together").then().statusCode(404)
                .body("code", equalTo("TENANT_NOT_FOUND"));
    }

    @Test
    void aProjectsAdminManagesItsOwnProjectOnlyEvenInTheSameOrganization() {
        given().contentType(ContentType.JSON).body(Map.of("id", "sibling")).when().post("/v1/projects").then().statusCode(201);
        String sibling = given().contentType(ContentType.JSON).body(Map.of("name", "sibling admin", "scope", "admin", "project", "sibling"))
                .when().post("/v1/keys").then().statusCode(201).extract().path("key");
        String operatorsKeyId = given().when().get("/v1/keys").then().extract().jsonPath().getString("[0].id");
        var asSibling = given().header("Authorization", "Bearer " + sibling);
        asSibling.when().get("/v1/keys?project=default").then().statusCode(404).body("code", equalTo("PROJECT_NOT_FOUND"));
        given().header("Authorization", "Bearer " + sibling).when().delete("/v1/keys/" + operatorsKeyId).then().statusCode(404);
        given().header("Authorization", "Bearer " + sibling).contentType(ContentType.JSON).body(Map.of("name", "x", "scope", "admin", "project", "default"))
                .when().post("/v1/keys").then().statusCode(404);
        given().header("Authorization", "Bearer " + sibling).contentType(ContentType.JSON).body(Map.of("id", "mine-now"))
                .when().post("/v1/projects").then().statusCode(403).body("code", equalTo("PROJECT_CREATE_FORBIDDEN"));
        given().header("Authorization", "Bearer " + sibling).when().get("/v1/projects").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.contains("sibling"));
        given().when().get("/v1/me").then().statusCode(200); // the operator's key still works
    }

    @Test
    void anotherBootstrapKeyInTheConfigurationReplacesTheFormerOne() throws Exception {
        String configured = TestIdentity.bootstrapKey().orElseThrow();
        String next = dev.refinery.identity.KeyFormat.generate();
        try {
            keyStore.ensureBootstrapKey(next); // what the gateway does at start when the setting has changed
            awaitStatus(configured, 401);
            given().header("Authorization", "Bearer " + configured).when().get("/v1/me").then().body("code", equalTo("AUTH_KEY_REVOKED"));
            awaitStatus(next, 200);
        } finally {
            keyStore.ensureBootstrapKey(configured); // and back: the other tests use it
        }
        awaitStatus(configured, 200);
        awaitStatus(next, 401);
    }

    /** Keys are cached for refinery.auth.cache-ttl (5 s): a change shows within it. */
    private static void awaitStatus(String key, int status) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = given().header("Authorization", "Bearer " + key).when().get("/v1/me").then().extract().statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(250);
        }
        assertEquals(status, last, "key " + key.substring(0, 12));
    }

    @Test
    void theAuditLogRecordsWhoDidWhat() {
        given().when().post("/v1/fine-tunes/ft-audited/cancel").then().statusCode(200);
        String prefix = TestIdentity.bootstrapKey().orElseThrow().substring(0, 12);
        given().when().get("/v1/audit?action=job.cancelled").then().statusCode(200)
                .body("find { it.target == 'ft-audited' }.actor", equalTo(prefix))
                .body("find { it.target == 'ft-audited' }.status", equalTo(200));
        createKey("audited", "read", null);
        given().when().get("/v1/audit?action=key.created").then().statusCode(200).body("action", hasItem("key.created"));
    }

    @Test
    void aKeyPastItsRequestRateIsToldWhenToComeBack() {
        String key = given().contentType(ContentType.JSON).body(Map.of("name", "slow", "scope", "read", "requestsPerMinute", 3))
                .when().post("/v1/keys").then().statusCode(201).extract().path("key");
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", "Bearer " + key).when().get("/v1/me").then().statusCode(200);
        }
        given().header("Authorization", "Bearer " + key).when().get("/v1/me").then().statusCode(429)
                .body("code", equalTo("RATE_LIMITED")).header("Retry-After", org.hamcrest.Matchers.notNullValue());
        given().when().get("/v1/me").then().statusCode(200); // another key is not held back
    }

    @Test
    void aForwardedHeaderThatIsNotAPlainValueIsRefusedBeforeAnythingIsSent() {
        given().header("Idempotency-Key", "k".repeat(201)).contentType(ContentType.JSON).body("{}").when().post("/v1/fine-tunes")
                .then().statusCode(400).body("code", equalTo("HEADER_INVALID")).body("field", equalTo("Idempotency-Key"));
        given().header("Idempotency-Key", "a\tb").contentType(ContentType.JSON).body("{}").when().post("/v1/fine-tunes")
                .then().statusCode(400).body("code", equalTo("HEADER_INVALID"));
    }

    private static String createKey(String name, String scope, OffsetDateTime expiresAt) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "scope", scope));
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt.toString());
        }
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/keys").then().statusCode(201)
                .body("note", startsWith("store the key now")).extract().path("key");
    }
}
