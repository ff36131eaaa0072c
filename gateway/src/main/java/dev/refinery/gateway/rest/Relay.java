package dev.refinery.gateway.rest;

import dev.refinery.gateway.client.UpstreamResponse;
import dev.refinery.kit.relay.PassThrough;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * A service's answer, passed on as it came: status, Content-Type and body unchanged (problem+json
 * bodies included), the body streamed rather than read; Location translated to the public path.
 */
final class Relay {

    private Relay() {
    }

    /**
     * The same for an answer that may be a stream of server-sent events: each piece is flushed to the client as it comes,
     * and a client that goes away closes the service's answer, which tells the service to stop.
     */
    static Response streamed(UpstreamResponse upstream) {
        if (upstream.status() >= 400) {
            return of(upstream);
        }
        Response.ResponseBuilder response = Response.status(upstream.status()).entity(PassThrough.of(upstream.body()));
        upstream.contentType().ifPresent(type -> response.header(HttpHeaders.CONTENT_TYPE, type));
        response.header(HttpHeaders.CACHE_CONTROL, "no-cache");
        return response.build();
    }

    static Response of(UpstreamResponse upstream) {
        Response.ResponseBuilder response = Response.status(upstream.status()).entity(upstream.body());
        upstream.contentType().ifPresent(type -> response.header(HttpHeaders.CONTENT_TYPE, type));
        upstream.location().flatMap(PublicPaths::of).ifPresent(location -> response.header(HttpHeaders.LOCATION, location));
        upstream.retryAfter().ifPresent(seconds -> response.header(HttpHeaders.RETRY_AFTER, seconds));
        return response.build();
    }
}
