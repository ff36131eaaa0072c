package dev.refinery.gateway;

import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/**
 * An organization that signs its people in with its own OpenID Connect provider: the gateway accepts the provider's JWTs
 * as bearer tokens for that organization's projects, and refuses every token that is not exactly right with the same 401.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(StubServices.class)
class OidcBearerTest {

    private static final String ISSUER = "https://idp.acme.test"; // refinery.auth.oidc.acme.issuer (test profile)

    @BeforeEach
    void acmeHasAProject() {
        int status = given().contentType(ContentType.JSON).body(Map.of("id", "acme-app", "organization", "acme"))
                .when().post("/v1/projects").then().extract().statusCode();
        org.junit.jupiter.api.Assertions.assertTrue(status == 201 || status == 409, "project: " + status);
    }

    @Test
    void aTokenOfTheOrganizationsProviderActsForTheProjectItNames() throws Exception {
        String token = sign(providerKey(), c -> c.setClaim("refinery_scope", "write"));
        given().header("Authorization", "Bearer " + token).when().get("/v1/me").then().statusCode(200)
                .body("project", equalTo("acme-app")).body("organization", equalTo("acme")).body("scope", equalTo("write"))
                .body("keyPrefix", equalTo("oidc:alice"));
        given().header("Authorization", "Bearer " + sign(providerKey(), c -> { })).when().post("/v1/fine-tunes/ft-1/cancel")
                .then().statusCode(403); // no scope claim: read only
    }

    @Test
    void everyTokenThatIsNotExactlyRightIsRefusedTheSameWay() throws Exception {
        Key provider = providerKey();
        RsaJsonWebKey stranger = RsaJwkGenerator.generateJwk(2048);
        String n = ((RsaJsonWebKey) JsonWebKey.Factory.newJwk(Files.readString(Path.of("src/test/resources/oidc/test-idp-jwks.json"))
                .replaceAll("^\\{\"keys\":\\[|]}\\s*$", ""))).getRsaPublicKey().getModulus().toString();
        String valid = sign(provider, c -> { });
        String[] parts = valid.split("\\.");
        String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String[] bad = {
                sign(stranger.getPrivateKey(), c -> { }),                                  // another key
                sign(provider, c -> c.setAudience("someone-else")),                        // another audience
                sign(provider, c -> c.setIssuer("https://idp.evil.test")),                 // another issuer
                sign(provider, c -> c.setExpirationTimeMinutesInTheFuture(-10)),          // expired
                sign(provider, c -> c.setClaim("refinery_project", "default")),           // a project of another organization
                sign(provider, c -> c.setClaim("refinery_scope", "root")),                // a scope that does not exist
                noneHeader + "." + parts[1] + ".",                                          // alg: none
                hs256WithThePublicModulus(n),                                               // HMAC keyed with public material
                parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA"}; // tampered signature
        for (String token : bad) {
            given().header("Authorization", "Bearer " + token).when().get("/v1/me").then().statusCode(401)
                    .body("code", equalTo("AUTH_INVALID")).body(not(containsString("acme-app")));
        }
    }

    private static Key providerKey() throws Exception {
        return ((RsaJsonWebKey) JsonWebKey.Factory.newJwk(Files.readString(Path.of("src/test/resources/oidc/test-idp-private-jwk.json"))))
                .getPrivateKey();
    }

    private static String sign(Key key, Consumer<JwtClaims> change) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("refinery");
        claims.setSubject("alice");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setClaim("refinery_project", "acme-app");
        change.accept(claims);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue("refinery-test-idp");
        jws.setKey(key);
        return jws.getCompactSerialization();
    }

    private static String hs256WithThePublicModulus(String modulus) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("refinery");
        claims.setSubject("mallory");
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setClaim("refinery_project", "acme-app");
        claims.setClaim("refinery_scope", "admin");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(modulus.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }
}
