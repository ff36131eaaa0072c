package dev.refinery.providers.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One request as the adapters describe it. {@code target} is a path under the provider's base URI, or an
 * absolute URL (a presigned upload URL), which never gets our Authorization header: a presigned URL belongs
 * to a storage service, and the API key must not travel there.
 */
public record OutgoingRequest(String method, String target, Map<String, String> headers, BodyPublisher body,
                              RetryMode retryMode, boolean longRunning) {

    public OutgoingRequest {
        headers = Map.copyOf(headers);
    }

    public boolean isAbsolute() {
        return target.startsWith("http://") || target.startsWith("https://");
    }

    public static OutgoingRequest get(String path) {
        return new OutgoingRequest("GET", path, Map.of("Accept", "application/json"), BodyPublishers.noBody(), RetryMode.SAFE, false);
    }

    public static OutgoingRequest delete(String path) {
        return new OutgoingRequest("DELETE", path, Map.of("Accept", "application/json"), BodyPublishers.noBody(), RetryMode.SAFE, false);
    }

    /** A JSON body on a GET: Together's metrics endpoint takes its filters that way. */
    public static OutgoingRequest getWithJson(String path, JsonNode body) {
        return jsonRequest("GET", path, body, RetryMode.SAFE);
    }

    public static OutgoingRequest postJson(String path, JsonNode body, RetryMode mode) {
        return jsonRequest("POST", path, body, mode);
    }

    public static OutgoingRequest postEmpty(String path, RetryMode mode) {
        return new OutgoingRequest("POST", path, Map.of("Accept", "application/json"), BodyPublishers.noBody(), mode, false);
    }

    public static OutgoingRequest postForm(String path, Map<String, String> fields, RetryMode mode) {
        String form = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return new OutgoingRequest("POST", path, Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
                BodyPublishers.ofString(form), mode, false);
    }

    public static OutgoingRequest postMultipart(String path, MultipartBody body, RetryMode mode) {
        return new OutgoingRequest("POST", path, Map.of("Content-Type", body.contentType(), "Accept", "application/json"),
                body.publisher(), mode, true);
    }

    public static OutgoingRequest put(String url, Map<String, String> headers, BodyPublisher body) {
        return new OutgoingRequest("PUT", url, headers, body, RetryMode.SAFE, true);
    }

    public OutgoingRequest withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new OutgoingRequest(method, target, copy, body, retryMode, longRunning);
    }

    /** "POST /fine-tunes" — for messages; never the headers. */
    public String describe() {
        String where = target;
        if (isAbsolute()) {
            URI u = URI.create(target);
            where = u.getScheme() + "://" + u.getHost() + u.getPath();  // a presigned URL's query is a credential
        }
        return method + " " + where;
    }

    private static OutgoingRequest jsonRequest(String method, String path, JsonNode body, RetryMode mode) {
        try {
            byte[] bytes = LenientJson.MAPPER.writeValueAsBytes(body);
            return new OutgoingRequest(method, path, Map.of("Content-Type", "application/json", "Accept", "application/json"),
                    BodyPublishers.ofByteArray(bytes), mode, false);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request body", e);
        }
    }
}
