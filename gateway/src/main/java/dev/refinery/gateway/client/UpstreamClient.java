package dev.refinery.gateway.client;

import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.config.GatewayConfig;
import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.kit.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Calls the services over HTTP/1.1 with the JDK client. Bodies stream in both directions (a request
 * body is read from the caller as the service consumes it; a response body is handed back as a
 * stream), so an upload of any size passes through in a few buffers. Failures to reach a service
 * become the gateway's own problems: 503 {@code UPSTREAM_UNAVAILABLE}, 504 {@code UPSTREAM_TIMEOUT},
 * 502 {@code UPSTREAM_FAILED}.
 */
@ApplicationScoped
public class UpstreamClient {

    private static final Logger LOG = Logger.getLogger(UpstreamClient.class);

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    GatewayCaller caller;

    @Inject
    IdentityTokens tokens;

    private HttpClient http;

    @PostConstruct
    void create() {
        http = HttpClient.newBuilder()
                // HTTP/1.1 on purpose: no h2c upgrade attempt in front of every streamed upload.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A call without a body, answered within the configured request timeout. */
    public UpstreamResponse send(UpstreamCall call) {
        return send(call, config.requestTimeout());
    }

    /** A call without a body, answered within {@code timeout}. */
    public UpstreamResponse send(UpstreamCall call, Duration timeout) {
        return exchange(call, HttpRequest.BodyPublishers.noBody(), null, timeout);
    }

    /** A call whose body streams from the caller, answered within the configured request timeout. */
    public UpstreamResponse send(UpstreamCall call, UpstreamCall.Body body) {
        return send(call, body, config.requestTimeout());
    }

    /** A call whose body streams from the caller; {@code timeout} bounds the transfer plus the wait for the answer. */
    public UpstreamResponse send(UpstreamCall call, UpstreamCall.Body body, Duration timeout) {
        ClientBodyStream stream = new ClientBodyStream(body.content());
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofInputStream(() -> stream);
        if (body.length() >= 0) {
            publisher = HttpRequest.BodyPublishers.fromPublisher(publisher, body.length());
        }
        return exchange(call, publisher, stream, timeout);
    }

    /** Asks a service's liveness endpoint, without throwing: for readiness data. */
    public CompletableFuture<String> probeLiveness(Upstream upstream) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl(config) + "/q/health/live"))
                .timeout(config.healthTimeout()).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> r.statusCode() == 200 ? "UP" : "DOWN (HTTP " + r.statusCode() + ")")
                .exceptionally(e -> "DOWN (" + whyUnreachable(e) + ")");
    }

    private UpstreamResponse exchange(UpstreamCall call, HttpRequest.BodyPublisher publisher, ClientBodyStream requestBody,
                                      Duration timeout) {
        Upstream upstream = call.upstream();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream.baseUrl(config) + call.pathAndQuery()))
                .timeout(timeout)
                .method(call.method(), publisher);
        call.headers().forEach(h -> request.header(h[0], h[1]));
        // The services believe only this: the caller's tenant and scope, signed, valid for a minute.
        caller.current().ifPresent(id -> request.header(IdentityTokens.HEADER,
                tokens.mint(Caller.tenant(id.project(), id.scope(), id.keyPrefix()))));
        Timer.Sample timer = Timer.start(registry);
        String outcome = "failed";
        try {
            HttpResponse<InputStream> response = http.send(request.build(), UpstreamClient::bodyFor);
            outcome = (response.statusCode() / 100) + "xx";
            return new UpstreamResponse(upstream, response.statusCode(),
                    response.headers().firstValue("Content-Type"),
                    response.headers().firstValue("Location"),
                    response.headers().firstValue("Retry-After"),
                    response.body());
        } catch (HttpConnectTimeoutException e) {
            outcome = "unavailable";
            throw unavailable(upstream, "did not accept a connection within " + config.connectTimeout().toMillis() + " ms");
        } catch (HttpTimeoutException e) {
            outcome = "timeout";
            throw new ApiException(504, "UPSTREAM_TIMEOUT", "Gateway timeout", upstream.serviceName() + " did not answer within "
                    + timeout.toMillis() + " ms").with("service", upstream.serviceName()).with("timeoutMs", timeout.toMillis());
        } catch (IOException e) {
            if (requestBody != null && requestBody.failure() != null) {
                outcome = "client_aborted";
                throw new ApiException(400, "UPLOAD_INCOMPLETE", "Bad request", "the request body could not be read to its end after "
                        + requestBody.bytes() + " bytes: " + requestBody.failure().getMessage());
            }
            if (isRefused(e)) {
                outcome = "unavailable";
                throw unavailable(upstream, "nothing accepts connections at " + upstream.baseUrl(config));
            }
            outcome = "failed";
            LOG.warnf("call to %s %s broke: %s", upstream.serviceName(), call.pathAndQuery(), describe(e));
            throw new ApiException(502, "UPSTREAM_FAILED", "Bad gateway", upstream.serviceName() + " broke the connection before it answered: "
                    + describe(e)).with("service", upstream.serviceName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "failed";
            throw unavailable(upstream, "the call was interrupted");
        } finally {
            registry.counter("refinery_gateway_upstream_requests_total", "service", upstream.serviceName(), "outcome", outcome).increment();
            timer.stop(registry.timer("refinery_gateway_upstream_request_seconds", "service", upstream.serviceName()));
        }
    }

    /**
     * Success bodies stream (lists can be long). Error bodies are problem documents of a few hundred
     * bytes and are read at once: a service that refuses an upload early (413) closes the connection
     * while the gateway is still sending, and a body left to stream would be lost with it.
     */
    private static HttpResponse.BodySubscriber<InputStream> bodyFor(HttpResponse.ResponseInfo info) {
        return info.statusCode() >= 400
                ? HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), ByteArrayInputStream::new)
                : HttpResponse.BodySubscribers.ofInputStream();
    }

    private static ApiException unavailable(Upstream upstream, String why) {
        return new ApiException(503, "UPSTREAM_UNAVAILABLE", "Service unavailable", upstream.serviceName() + " is unavailable: " + why)
                .with("service", upstream.serviceName());
    }

    private String whyUnreachable(Throwable e) {
        if (isRefused(e)) {
            return "nothing accepts connections";
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof HttpTimeoutException) {
                return "no answer within " + config.healthTimeout().toMillis() + " ms";
            }
        }
        return describe(e);
    }

    private static boolean isRefused(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && (root.getMessage() == null || root instanceof java.util.concurrent.CompletionException)) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
