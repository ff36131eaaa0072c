package dev.refinery.gateway.auth;

import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** A 401 says how to authenticate (RFC 6750). */
public class AuthenticationChallenge {

    @ServerResponseFilter
    public void challenge(ContainerResponseContext response) {
        if (response.getStatus() == 401 && !response.getHeaders().containsKey(HttpHeaders.WWW_AUTHENTICATE)) {
            response.getHeaders().putSingle(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"refinery\"");
        }
    }
}
