package dev.refinery.testing;

import dev.refinery.identity.Tenants;
import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import io.restassured.RestAssured;
import io.restassured.config.HeaderConfig;
import io.restassured.filter.Filter;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;

/**
 * A service under test is called the way the gateway calls it: with a signed identity. Every REST
 * Assured request that names none gets tenant {@code default} (or the one named by {@link #actAs}) with
 * scope {@code admin}; a test that wants another caller for one request sets the header itself
 * ({@link #header(String, Scope)}, {@link #service(String)}), and an empty header to be nobody. Requests to the
 * gateway carry its bootstrap admin key ({@code Authorization: Bearer ...}) unless they name another.
 */
public final class TestIdentity {

    public static final String DEFAULT_TENANT = Tenants.DEFAULT;

    /** The tenant requests without a header of their own act for; back to {@link #DEFAULT_TENANT} before every test. */
    private static volatile String actingTenant = DEFAULT_TENANT;

    private TestIdentity() {
    }

    /** From here to the end of the test, requests without a header of their own act for {@code tenant} (scope admin). */
    public static void actAs(String tenant) {
        actingTenant = tenant;
    }

    /** The header value for a caller of {@code tenant} with {@code scope}. */
    public static String header(String tenant, Scope scope) {
        return tokens().mint(Caller.tenant(tenant, scope, "test-key"));
    }

    /** The header value for one of Refinery's own services. */
    public static String service(String name) {
        return tokens().mint(Caller.service(name));
    }

    /** The service's own signing key, from the configuration the test resource gave it. */
    public static IdentityTokens tokens() {
        String key = ConfigProvider.getConfig().getValue("refinery.identity.signing-key", String.class);
        return new IdentityTokens(key, "test", Duration.ofSeconds(60));
    }

    /** The gateway's bootstrap admin key, where the application under test has one. */
    public static java.util.Optional<String> bootstrapKey() {
        return ConfigProvider.getConfig().getOptionalValue("refinery.auth.bootstrap-key", String.class);
    }

    static void installDefault() {
        actingTenant = DEFAULT_TENANT;
        Filter defaultIdentity = (request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName(IdentityTokens.HEADER)) {
                request.header(IdentityTokens.HEADER, header(actingTenant, Scope.ADMIN));
            }
            // The gateway: its callers authenticate with an API key, by default the deployment's bootstrap admin key.
            bootstrapKey().filter(k -> !request.getHeaders().hasHeaderWithName("Authorization"))
                    .ifPresent(k -> request.header("Authorization", "Bearer " + k));
            return context.next(request, response);
        };
        RestAssured.replaceFiltersWith(defaultIdentity);
        RestAssured.config = RestAssured.config().headerConfig(HeaderConfig.headerConfig()
                .overwriteHeadersWithName(IdentityTokens.HEADER, "Authorization"));
    }
}
