package dev.refinery.identity;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * The identity the gateway passes to the services: a short-lived JWT (HS256, signed with a key only
 * Refinery's own processes hold) naming the caller's subject, tenant and scope. A service believes
 * nothing else about who calls it, so a port reached without the gateway gets nowhere.
 *
 * <p>A JWT rather than a format of our own: jose4j checks signature, algorithm, audience and expiry
 * the way every JWT library does, and refuses {@code alg: none} and algorithm swaps.
 */
public final class IdentityTokens {

    /** The request header that carries the token from the gateway (or a service) to a service. */
    public static final String HEADER = "X-Refinery-Identity";

    static final String AUDIENCE = "refinery-services";
    private static final int MIN_KEY_BYTES = 32;
    private static final int CLOCK_SKEW_SECONDS = 30;
    /** Far above any real token (~300 bytes); a bigger header is refused before it is parsed. */
    private static final int MAX_TOKEN_CHARS = 4096;

    private final HmacKey key;
    private final String issuer;
    private final Duration ttl;
    private final Clock clock;
    private final JwtConsumer consumer;

    public IdentityTokens(String signingKey, String issuer, Duration ttl) {
        this(signingKey, issuer, ttl, Clock.systemUTC());
    }

    IdentityTokens(String signingKey, String issuer, Duration ttl, Clock clock) {
        byte[] bytes = signingKey == null ? new byte[0] : signingKey.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("refinery.identity.signing-key must be at least " + MIN_KEY_BYTES
                    + " bytes (it signs the identity the gateway passes to the services; generate one with: openssl rand -base64 48)");
        }
        this.key = new HmacKey(bytes);
        this.issuer = issuer;
        this.ttl = ttl;
        this.clock = clock;
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setMaxFutureValidityInMinutes((int) Math.max(1, ttl.toMinutes() + 1))
                .setExpectedAudience(AUDIENCE)
                .setVerificationKey(key)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .build();
    }

    /** A token for {@code caller}, valid for the configured time to live. */
    public String mint(Caller caller) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(AUDIENCE);
        claims.setSubject(caller.subject());
        long now = clock.millis();
        claims.setIssuedAt(NumericDate.fromMilliseconds(now));
        claims.setExpirationTime(NumericDate.fromMilliseconds(now + ttl.toMillis()));
        if (caller.tenant() != null) {
            claims.setClaim("tenant", caller.tenant());
        }
        claims.setClaim("scope", caller.scope().wireName());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(key);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("signing an identity token", e);
        }
    }

    /**
     * The caller a token names. A missing token is {@code IDENTITY_REQUIRED}; a malformed, wrongly signed,
     * expired or otherwise unacceptable one {@code IDENTITY_INVALID}, with no more detail than a caller
     * without the key needs (both answer 401).
     */
    public Caller verify(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidIdentityException("IDENTITY_REQUIRED",
                    "this service answers only requests passed on by the gateway (call it through the gateway, with an API key)");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw invalid();
        }
        try {
            JwtClaims claims = consumer.processToClaims(token.strip());
            String tenant = claims.getStringClaimValue("tenant");
            Scope scope = Scope.parse(claims.getStringClaimValue("scope")).orElseThrow(IdentityTokens::invalid);
            String subject = claims.getSubject();
            return tenant == null ? new Caller(subject, null, Scope.ADMIN) : Caller.tenant(tenant, scope, subject);
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw invalid();
        } catch (InvalidIdentityException e) {
            throw e;
        } catch (RuntimeException e) {
            throw invalid();
        }
    }

    private static InvalidIdentityException invalid() {
        return new InvalidIdentityException("IDENTITY_INVALID",
                "the identity passed with this request is not valid (expired, or not signed by this deployment)");
    }
}
