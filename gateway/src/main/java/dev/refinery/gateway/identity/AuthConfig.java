package dev.refinery.gateway.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** API keys ({@code refinery.auth.*}, env {@code REFINERY_AUTH_*}). */
@ConfigMapping(prefix = "refinery.auth")
public interface AuthConfig {

    /**
     * An admin key of project {@code default} (organization {@code default}) that exists as long as it is configured:
     * the first key of a new deployment, from which every other is made. {@code ./refinery up} writes one to
     * {@code run/admin.key}. Without it, a deployment with no keys yet can only be entered by adding one to the database.
     */
    Optional<String> bootstrapKey();

    /**
     * How long a looked-up key is trusted without asking the database again. Revoking through this gateway takes effect
     * at once here; other replicas notice within this time.
     */
    @WithDefault("5s")
    Duration cacheTtl();

    /** Requests a key may make per minute, unless the key was made with a limit of its own (on each gateway replica). */
    @WithDefault("600")
    int requestsPerMinute();

    Uploads uploads();

    /**
     * Organizations whose people and programs sign in with their own OpenID Connect provider, by organization id:
     * {@code refinery.auth.oidc."acme".issuer=https://idp.acme.example}, with its keys at {@code jwks-url} (or, where the
     * gateway cannot reach the provider, a copy in {@code jwks-file}).
     */
    Map<String, OidcProvider> oidc();

    /** One organization's OpenID Connect provider, for bearer JWTs. */
    interface OidcProvider {
        /** The {@code iss} its tokens carry. */
        String issuer();

        /** The {@code aud} a token must name to be meant for Refinery. */
        @WithDefault("refinery")
        String audience();

        /** Where its signing keys are published (the provider's {@code jwks_uri}). */
        Optional<String> jwksUrl();

        /** A JWKS file with its signing keys, instead of the URL. */
        Optional<String> jwksFile();

        /** The claim naming the project (tenant) the token acts for; it must be a project of this organization. */
        @WithDefault("refinery_project")
        String projectClaim();

        /** The claim holding read, write or admin; a token without it may read. */
        @WithDefault("refinery_scope")
        String scopeClaim();
    }

    /** Uploads in flight: refused before their body is read when too many are. */
    interface Uploads {
        /** Per project: more answers 429 UPLOADS_TOO_MANY. */
        @WithDefault("4")
        int perTenant();

        /** In all, on this replica: more answers 503 UPLOADS_BUSY. */
        @WithDefault("16")
        int total();
    }
}
