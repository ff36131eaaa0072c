package dev.refinery.kit.auth;

import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.InvalidIdentityException;
import dev.refinery.kit.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every REST call to a service must carry the identity the gateway (or another service) signed; without
 * one, or with one that does not verify, it is answered 401 before any resource runs. Health, metrics
 * and OpenAPI under {@code /q} are not REST resources and stay open for probes.
 */
public class CallerFilter {

    @Inject
    IdentityTokens tokens;

    @Inject
    CurrentCaller current;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void verify(ContainerRequestContext request) {
        try {
            current.set(tokens.verify(request.getHeaderString(IdentityTokens.HEADER)));
        } catch (InvalidIdentityException e) {
            throw new ApiException(401, e.code(), "Unauthorized", e.getMessage());
        }
    }
}
