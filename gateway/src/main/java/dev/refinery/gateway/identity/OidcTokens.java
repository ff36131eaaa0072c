package dev.refinery.gateway.identity;

import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer JWTs from an organization's OpenID Connect provider ({@code refinery.auth.oidc."org".*}): signature against the
 * provider's published keys (asymmetric algorithms only, so no {@code alg: none} and no HMAC with a public key), issuer,
 * audience, expiry; the token's project claim must name a project of that organization. jose4j does the checking, as it
 * does inside Quarkus OIDC; the gateway's own API keys stay the main way in, so this is one more way to find the caller
 * rather than a second security layer in front of the first.
 */
@ApplicationScoped
public class OidcTokens {

    private static final Logger LOG = Logger.getLogger(OidcTokens.class);
    private static final int CLOCK_SKEW_SECONDS = 30;
    /** Reads the issuer before anything is trusted, only to pick the provider whose keys then check everything. */
    private static final JwtConsumer UNVERIFIED = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
            .setSkipSignatureVerification().build();

    @Inject
    AuthConfig config;

    @Inject
    KeyStore store;

    private final Map<String, JwtConsumer> consumers = new ConcurrentHashMap<>();

    /** Whether a presented bearer credential has the shape of a JWT (three dot-separated parts), not of an API key. */
    public static boolean looksLikeJwt(String credential) {
        return credential.chars().filter(c -> c == '.').count() == 2;
    }

    public Identity authenticate(String jwt) {
        String organization = organizationOf(jwt).orElseThrow(OidcTokens::invalid);
        AuthConfig.OidcProvider provider = config.oidc().get(organization);
        JwtClaims claims;
        try {
            claims = consumers.computeIfAbsent(organization, org -> consumer(provider)).processToClaims(jwt);
        } catch (InvalidJwtException e) {
            throw invalid();
        }
        try {
            String project = claims.getStringClaimValue(provider.projectClaim());
            if (project == null || !organization.equals(store.organizationOf(project).orElse(null))) {
                throw invalid();
            }
            String scopeName = claims.getStringClaimValue(provider.scopeClaim());
            Scope scope = scopeName == null ? Scope.READ : Scope.parse(scopeName).orElseThrow(OidcTokens::invalid);
            String subject = clip("oidc:" + claims.getSubject());
            return new Identity("oidc:" + organization + ":" + claims.getSubject(), subject, project, organization, scope, null);
        } catch (MalformedClaimException e) {
            throw invalid();
        }
    }

    private Optional<String> organizationOf(String jwt) {
        try {
            String issuer = UNVERIFIED.processToClaims(jwt).getIssuer();
            return config.oidc().entrySet().stream().filter(e -> e.getValue().issuer().equals(issuer)).map(Map.Entry::getKey).findFirst();
        } catch (InvalidJwtException | MalformedClaimException e) {
            return Optional.empty();
        }
    }

    private static JwtConsumer consumer(AuthConfig.OidcProvider provider) {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setExpectedIssuer(provider.issuer())
                .setExpectedAudience(provider.audience())
                .setVerificationKeyResolver(keys(provider))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256,
                        AlgorithmIdentifiers.RSA_USING_SHA384, AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384)
                .build();
    }

    private static VerificationKeyResolver keys(AuthConfig.OidcProvider provider) {
        if (provider.jwksUrl().isPresent()) {
            return new HttpsJwksVerificationKeyResolver(new HttpsJwks(provider.jwksUrl().get()));
        }
        String file = provider.jwksFile().orElseThrow(() -> new IllegalStateException(
                "the OpenID Connect provider " + provider.issuer() + " needs jwks-url or jwks-file"));
        try {
            return new JwksVerificationKeyResolver(new JsonWebKeySet(Files.readString(Path.of(file))).getJsonWebKeys());
        } catch (IOException | JoseException e) {
            LOG.errorf("cannot read the JWKS file %s of %s: %s", file, provider.issuer(), e.getMessage());
            throw new IllegalStateException("the JWKS file " + file + " is unreadable", e);
        }
    }

    private static String clip(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100);
    }

    private static ApiException invalid() {
        return new ApiException(401, "AUTH_INVALID", "Unauthorized", "the bearer token is not valid for this deployment");
    }
}
