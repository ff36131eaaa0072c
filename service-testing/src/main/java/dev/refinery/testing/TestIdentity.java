package dev.refinery.testing;

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
 * Assured request that names none gets tenant {@code default} with scope {@code admin}; a test that
 * wants another caller sets the header itself ({@link #header(String, Scope)}, {@link #service(String)}),
 * and an empty header to be nobody.
 */
public final class TestIdentity {

    public static final String DEFAULT_TENANT = "default";

    private TestIdentity() {
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

    static void installDefault() {
        Filter defaultIdentity = (request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName(IdentityTokens.HEADER)) {
                request.header(IdentityTokens.HEADER, header(DEFAULT_TENANT, Scope.ADMIN));
            }
            return context.next(request, response);
        };
        RestAssured.replaceFiltersWith(defaultIdentity);
        RestAssured.config = RestAssured.config().headerConfig(HeaderConfig.headerConfig().overwriteHeadersWithName(IdentityTokens.HEADER));
    }
}
