package dev.refinery.kit.auth;

import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.identity.InvalidIdentityException;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every REST call to a service must carry the identity the gateway (or another service) signed; without
 * one, or with one that does not verify, it is answered 401 before any resource runs. Health, metrics
 * and OpenAPI under {@code /q} are not REST resources and stay open for probes.
 */
public class CallerFilter {

    // Looked up per request, not injected: RESTEasy Reactive creates its filters during static init, before the runtime
    // configuration (and with it the signing key's IdentityConfig mapping) exists; injecting the tokens there fails startup.
    @Inject
    Instance<IdentityTokens> tokens;

    @Inject
    CurrentCaller current;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void verify(ContainerRequestContext request) {
        Caller caller;
        try {
            caller = tokens.get().verify(request.getHeaderString(IdentityTokens.HEADER));
        } catch (InvalidIdentityException e) {
            throw new ApiException(401, e.code(), "Unauthorized", e.getMessage());
        }
        // The gateway checked the route's scope already; the same rule here keeps a read-only identity read-only even if a
        // route is ever added to the gateway without its scope (admin-only routes ask CurrentCaller.requireScope).
        Scope needed = HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod()) ? Scope.READ : Scope.WRITE;
        if (!caller.may(needed)) {
            throw new ApiException(403, "IDENTITY_SCOPE_INSUFFICIENT", "Forbidden", "this route needs scope " + needed.wireName());
        }
        current.set(caller);
    }
}
