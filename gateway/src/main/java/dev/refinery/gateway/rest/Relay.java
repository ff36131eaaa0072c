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

    /**
     * The same for an answer that may be a stream of server-sent events: each piece is flushed to the client as it comes,
     * and a client that goes away closes the service's answer, which tells the service to stop.
     */
    static Response streamed(UpstreamResponse upstream) {
        if (upstream.status() >= 400) {
            return of(upstream);
        }
        java.io.InputStream body = upstream.body();
        jakarta.ws.rs.core.StreamingOutput copy = out -> {
            try (body) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = body.read(buffer)) >= 0) {
                    try {
                        out.write(buffer, 0, n);
                        out.flush();
                    } catch (java.io.IOException clientGone) {
                        return; // the client left: closing the service's answer (try-with-resources) tells it to stop
                    }
                }
            }
        };
        Response.ResponseBuilder response = Response.status(upstream.status()).entity(copy);
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
