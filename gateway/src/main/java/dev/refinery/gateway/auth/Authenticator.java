package dev.refinery.gateway.auth;

import dev.refinery.gateway.identity.ApiKeys;
import dev.refinery.gateway.identity.Identity;
import dev.refinery.gateway.identity.OidcTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;

/**
 * Every {@code /v1} route needs an API key ({@code Authorization: Bearer rfy_...}) or a JWT of an organization's OpenID
 * Connect provider ({@link OidcTokens}): none, a malformed, unknown, revoked or
 * expired one answers 401; a key whose scope is below the route's answers 403; a key past its request rate 429. The
 * resources then act for the key's project.
 */
public class Authenticator {

    private static final String BEARER = "bearer ";
    /** A header this long is not a key; refused before any parsing. */
    private static final int MAX_AUTHORIZATION_LENGTH = 4096;

    @Inject
    ApiKeys keys;

    @Inject
    OidcTokens oidc;

    @Inject
    GatewayCaller caller;

    @Inject
    KeyRateLimits rates;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request, ResourceInfo resource) {
        if (!request.getUriInfo().getPath().startsWith("/v1")) {
            return;
        }
        String credential = presentedKey(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        Identity identity = OidcTokens.looksLikeJwt(credential) ? oidc.authenticate(credential) : keys.authenticate(credential);
        Scope needed = requiredScope(request.getMethod(), resource.getResourceMethod());
        if (!identity.scope().covers(needed)) {
            throw new ApiException(403, "AUTH_SCOPE_INSUFFICIENT", "Forbidden", "this route needs a key with scope " + needed.wireName()
                    + "; this key has " + identity.scope().wireName()).with("requiredScope", needed.wireName());
        }
        rates.acquire(identity);
        caller.set(identity);
    }

    static String presentedKey(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(401, "AUTH_REQUIRED", "Unauthorized", "send an API key: Authorization: Bearer rfy_...");
        }
        if (authorization.length() > MAX_AUTHORIZATION_LENGTH || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ApiException(401, "AUTH_INVALID", "Unauthorized", "the Authorization header must be 'Bearer <API key>'");
        }
        return authorization.substring(BEARER.length()).strip();
    }

    static Scope requiredScope(String httpMethod, Method method) {
        RequiredScope declared = method == null ? null : method.getAnnotation(RequiredScope.class);
        if (declared == null && method != null) {
            declared = method.getDeclaringClass().getAnnotation(RequiredScope.class);
        }
        if (declared != null) {
            return declared.value();
        }
        return HttpMethod.GET.equals(httpMethod) || HttpMethod.HEAD.equals(httpMethod) ? Scope.READ : Scope.WRITE;
    }
}
