package dev.refinery.gateway.rest;

import dev.refinery.gateway.client.UpstreamResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * A service's answer, passed on as it came: status, Content-Type and body unchanged (problem+json
 * bodies included), the body streamed rather than read; Location translated to the public path.
 */
final class Relay {

    private Relay() {
    }

    static Response of(UpstreamResponse upstream) {
        Response.ResponseBuilder response = Response.status(upstream.status()).entity(upstream.body());
        upstream.contentType().ifPresent(type -> response.header(HttpHeaders.CONTENT_TYPE, type));
        upstream.location().flatMap(PublicPaths::of).ifPresent(location -> response.header(HttpHeaders.LOCATION, location));
        upstream.retryAfter().ifPresent(seconds -> response.header(HttpHeaders.RETRY_AFTER, seconds));
        return response.build();
    }
}
