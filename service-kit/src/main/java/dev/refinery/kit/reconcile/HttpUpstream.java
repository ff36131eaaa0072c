package dev.refinery.kit.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * An owner's REST API as {@link Upstream}: {@code GET {collection}?since=..&until=..&limit=..[&filter]} answers a JSON array
 * of items with {@code id} and the time field, oldest first; {@code POST {collection}/{id}/announce} publishes the item's
 * event again. ingest-service ({@code /datasets}, {@code createdAt}) and training-service ({@code /jobs},
 * {@code finishedAt}) serve both.
 */
public final class HttpUpstream implements Upstream {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI collection;
    private final String timeField;
    private final String filter;
    private final IdentityTokens tokens;
    private final Caller self;

    /**
     * @param collection the items' collection, e.g. {@code http://ingest:8081/datasets}
     * @param timeField  the field of an item that holds the time the window is about
     * @param filter     more query parameters ({@code status=SUCCEEDED}), or empty
     * @param tokens     signs the calling service's identity (the owner answers nobody else)
     * @param service    the calling service's name
     */
    public HttpUpstream(URI collection, String timeField, String filter, IdentityTokens tokens, String service) {
        this.collection = URI.create(collection.toString().replaceAll("/+$", ""));
        this.timeField = timeField;
        this.filter = filter;
        this.tokens = tokens;
        this.self = Caller.service(service);
    }

    @Override
    public List<Item> between(Instant since, Instant until, int limit) {
        String query = "since=" + encode(since) + "&until=" + encode(until) + "&limit=" + limit + (filter.isEmpty() ? "" : "&" + filter);
        JsonNode items = read(send(HttpRequest.newBuilder(URI.create(collection + "?" + query)).GET()));
        if (!items.isArray()) {
            throw new UpstreamException(collection + " did not answer a list");
        }
        List<Item> out = new ArrayList<>();
        for (JsonNode item : items) {
            out.add(new Item(item.path("id").asText(), OffsetDateTime.parse(item.path(timeField).asText()).toInstant()));
        }
        return out;
    }

    @Override
    public void announceAgain(String id) {
        send(HttpRequest.newBuilder(URI.create(collection + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/announce"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(TIMEOUT).header("Accept", "application/json")
                            .header(IdentityTokens.HEADER, tokens.mint(self)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new UpstreamException(response.request().method() + " " + response.uri() + " answered " + response.statusCode()
                        + ": " + abbreviate(response.body()));
            }
            return response.body();
        } catch (IOException e) {
            throw new UpstreamException(collection + " is unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("interrupted");
        }
    }

    private JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UpstreamException(collection + " answered something that is not JSON: " + abbreviate(body));
        }
    }

    private static String encode(Instant t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** The owner was away or answered something unusable; the pass ends and the next one starts over. */
    public static final class UpstreamException extends RuntimeException {
        public UpstreamException(String message) {
            super(message);
        }
    }
}
