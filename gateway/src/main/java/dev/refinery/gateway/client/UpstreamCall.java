package dev.refinery.gateway.client;

import dev.refinery.kit.problem.ApiException;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One request to a service: method, path (segments encoded here), the caller's raw query string and
 * the headers the gateway forwards. A request body, when there is one, is passed separately.
 */
public final class UpstreamCall {

    private final Upstream upstream;
    private final String method;
    private final String path;
    private String rawQuery;
    private final List<String[]> headers = new ArrayList<>();

    private UpstreamCall(Upstream upstream, String method, String path) {
        this.upstream = upstream;
        this.method = method;
        this.path = path;
    }

    public static UpstreamCall get(Upstream upstream, String pathTemplate, String... segments) {
        return new UpstreamCall(upstream, "GET", expand(pathTemplate, segments));
    }

    public static UpstreamCall post(Upstream upstream, String pathTemplate, String... segments) {
        return new UpstreamCall(upstream, "POST", expand(pathTemplate, segments));
    }

    public static UpstreamCall put(Upstream upstream, String pathTemplate, String... segments) {
        return new UpstreamCall(upstream, "PUT", expand(pathTemplate, segments));
    }

    public static UpstreamCall delete(Upstream upstream, String pathTemplate, String... segments) {
        return new UpstreamCall(upstream, "DELETE", expand(pathTemplate, segments));
    }

    /** Passes the caller's query string on as it came (already encoded), so filters and paging reach the service unchanged. */
    public UpstreamCall query(String rawQuery) {
        this.rawQuery = rawQuery == null || rawQuery.isEmpty() ? null : rawQuery;
        return this;
    }

    /**
     * Adds a header when it has a value. What a client sent is forwarded only when it is a plain header value: at most
     * {@value #MAX_HEADER_VALUE} visible ASCII characters (no line breaks that could start a header of their own), else 400
     * {@code HEADER_INVALID} naming the header, before anything is sent.
     */
    public UpstreamCall header(String name, String value) {
        if (value != null && !value.isEmpty()) {
            if (value.length() > MAX_HEADER_VALUE || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new ApiException(400, "HEADER_INVALID", "Bad request", name + " must be at most " + MAX_HEADER_VALUE
                        + " visible ASCII characters").with("field", name);
            }
            headers.add(new String[] {name, value});
        }
        return this;
    }

    /** Longer than any content type or idempotency key a client needs; the services store some of these. */
    static final int MAX_HEADER_VALUE = 200;

    public Upstream upstream() {
        return upstream;
    }

    public String method() {
        return method;
    }

    public List<String[]> headers() {
        return headers;
    }

    /** Path and query, relative to the service's base URL. */
    public String pathAndQuery() {
        return rawQuery == null ? path : path + "?" + rawQuery;
    }

    /** Replaces each {@code {}} in the template with the next segment, percent-encoded, so an id can never change the path. */
    static String expand(String template, String... segments) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < template.length(); i++) {
            if (template.startsWith("{}", i)) {
                if (next == segments.length) {
                    throw new IllegalArgumentException("template " + template + " needs more than " + segments.length + " segments");
                }
                out.append(encodeSegment(segments[next++]));
                i++;
            } else {
                out.append(template.charAt(i));
            }
        }
        if (next != segments.length) {
            throw new IllegalArgumentException("template " + template + " takes " + next + " segments, got " + segments.length);
        }
        return out.toString();
    }

    static String encodeSegment(String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            // Would survive encoding and then be resolved away by the service: /jobs/.. is not a job.
            throw new ApiException(400, "ID_INVALID", "Bad request", "'" + segment + "' is not an id").with("field", "id");
        }
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A request body streamed from the caller; {@code length} is -1 when unknown (sent chunked). */
    public record Body(InputStream content, long length) {
    }
}
