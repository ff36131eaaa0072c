package dev.refinery.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.ProviderException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The one HTTP path of every adapter: bearer auth, timeouts, a cap on requests in flight, retries with backoff
 * (honouring retry-after), and failures turned into {@link ProviderException}s with the provider's own words.
 * Redirects are not followed: Together's upload answers 302 on purpose and the adapter reads the Location.
 */
public final class ProviderHttp {

    private final String provider;
    private final TransportSettings settings;
    private final Supplier<ApiKey> apiKey;
    private final HttpClient client;
    private final Semaphore slots;
    private final TransportStats stats = new TransportStats();

    public ProviderHttp(String provider, TransportSettings settings, Supplier<ApiKey> apiKey) {
        this.provider = provider;
        this.settings = settings;
        this.apiKey = apiKey;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.slots = new Semaphore(settings.maxConcurrentRequests(), true);
    }

    public String provider() {
        return provider;
    }

    public TransportSettings settings() {
        return settings;
    }

    public TransportStats stats() {
        return stats;
    }

    /** Sends and returns the parsed JSON body of a 2xx answer. */
    public JsonNode json(OutgoingRequest request) {
        return parse(request, send(request).body());
    }

    public JsonNode parse(OutgoingRequest request, byte[] body) {
        if (body == null || body.length == 0) {
            return LenientJson.MAPPER.createObjectNode();
        }
        try {
            return LenientJson.MAPPER.readTree(body);
        } catch (IOException e) {
            String start = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            throw new ProviderException(provider, ErrorCode.PROVIDER_RESPONSE_UNREADABLE,
                    provider + ": " + request.describe() + " answered with a body that is not JSON: " + start, 200, null, null, null);
        }
    }

    /** Sends with retries; returns 2xx and 3xx answers, throws for everything else. */
    public HttpResult send(OutgoingRequest request) {
        HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
        return new HttpResult(response.statusCode(), response.headers(), response.body());
    }

    /** Sends with retries and copies a 2xx body into {@code out}; returns the headers and the byte count. */
    public HttpResult stream(OutgoingRequest request, OutputStream out, long[] bytesCopied) {
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            bytesCopied[0] = in.transferTo(out);
        } catch (IOException e) {
            throw new ProviderException(provider, ErrorCode.PROVIDER_UNAVAILABLE,
                    provider + ": " + request.describe() + " broke off while streaming: " + e.getMessage(), response.statusCode(), null, null, e);
        }
        return new HttpResult(response.statusCode(), response.headers(), new byte[0]);
    }

    private <T> HttpResponse<T> exchange(OutgoingRequest request, HttpResponse.BodyHandler<T> handler) {
        RetryPolicy policy = settings.retry();
        for (int attempt = 0; ; attempt++) {
            boolean lastAttempt = attempt >= policy.maxRetries();
            HttpResponse<T> response;
            try {
                response = sendOnce(request, handler);
            } catch (IOException e) {
                if (lastAttempt || !request.retryMode().allowsNetworkError()) {
                    throw networkFailure(request, e, attempt);
                }
                pause(policy.backoff(attempt), request);
                continue;
            }
            int status = response.statusCode();
            if (status < 400) {
                return response;
            }
            if (!lastAttempt && request.retryMode().allowsStatus(status)) {
                drain(response);
                pause(policy.delay(attempt, response.headers(), settings.clock().instant()), request);
                continue;
            }
            throw failure(request, status, response.headers(), readBody(response), attempt);
        }
    }

    private <T> HttpResponse<T> sendOnce(OutgoingRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpRequest http = build(request);
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(provider, ErrorCode.PROVIDER_UNAVAILABLE, provider + ": interrupted before " + request.describe());
        }
        stats.started();
        try {
            return client.send(http, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(provider, ErrorCode.PROVIDER_UNAVAILABLE, provider + ": interrupted during " + request.describe());
        } catch (UncheckedIOException e) {
            throw new ProviderException(provider, ErrorCode.DATASET_UNREADABLE,
                    provider + ": could not read the file being uploaded: " + e.getCause().getMessage(), 0, null, null, e);
        } finally {
            stats.finished();
            slots.release();
        }
    }

    private HttpRequest build(OutgoingRequest request) {
        URI uri = request.isAbsolute() ? URI.create(request.target()) : resolve(request.target());
        Duration timeout = request.longRunning() ? settings.uploadTimeout() : settings.requestTimeout();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).method(request.method(), request.body());
        request.headers().forEach(b::header);
        if (!request.isAbsolute()) {
            b.header("Authorization", "Bearer " + apiKey.get().reveal());
        }
        return b.build();
    }

    private URI resolve(String path) {
        String base = settings.baseUri().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + (path.startsWith("/") ? path : "/" + path));
    }

    private void pause(Duration delay, OutgoingRequest request) {
        stats.retried();
        try {
            settings.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(provider, ErrorCode.PROVIDER_UNAVAILABLE, provider + ": interrupted while waiting to retry " + request.describe());
        }
    }

    private ProviderException networkFailure(OutgoingRequest request, IOException e, int retries) {
        String what = e instanceof HttpTimeoutException ? "timed out" : "failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        String note = request.retryMode().allowsNetworkError() ? " after " + retries + " retries"
                : "; not retried because the provider may already have acted on it — look the job up before submitting again";
        return new ProviderException(provider, ErrorCode.PROVIDER_UNAVAILABLE, provider + ": " + request.describe() + " " + what + note, 0, null, null, e);
    }

    private ProviderException failure(OutgoingRequest request, int status, HttpHeaders headers, byte[] body, int retries) {
        String contentType = headers.firstValue("content-type").orElse("");
        ErrorBody error = ErrorBody.parse(body, contentType);
        ErrorCode code = ErrorClassifier.classify(status, error);
        StringBuilder msg = new StringBuilder(provider).append(": ").append(request.describe()).append(" answered HTTP ").append(status);
        if (error.message() != null) {
            msg.append(": ").append(error.message());
        }
        if (error.param() != null) {
            msg.append(" (param: ").append(error.param()).append(')');
        }
        if (retries > 0) {
            msg.append(" [after ").append(retries).append(" retries]");
        }
        return new ProviderException(provider, code, msg.toString(), status, error.message(), error.param(), null);
    }

    private static <T> byte[] readBody(HttpResponse<T> response) {
        Object body = response.body();
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return in.readNBytes(64 * 1024);
            } catch (IOException e) {
                return new byte[0];
            }
        }
        return new byte[0];
    }

    private static <T> void drain(HttpResponse<T> response) {
        if (response.body() instanceof InputStream in) {
            try (in) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the connection is dropped instead of reused; nothing else to do
            }
        }
    }
}
