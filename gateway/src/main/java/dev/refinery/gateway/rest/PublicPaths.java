package dev.refinery.gateway.rest;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a service's own resource paths to the public API's, for the {@code Location} headers that pass
 * through: {@code /datasets/ds-1} of ingest-service is {@code /v1/datasets/ds-1} here. A location
 * the public API has no name for is not passed on (it would point clients at an internal address).
 */
final class PublicPaths {

    private static final Map<String, String> PREFIXES = Map.of(
            "/datasets/", "/v1/datasets/",
            "/jobs/", "/v1/fine-tunes/",
            "/evals/", "/v1/evals/",
            "/registry/", "/v1/registry/",
            "/graders/", "/v1/graders/",
            "/collections/", "/v1/collections/");

    private PublicPaths() {
    }

    static Optional<String> of(String upstreamLocation) {
        String path;
        try {
            URI uri = URI.create(upstreamLocation.strip());
            path = uri.getRawPath();
            if (path == null) {
                return Optional.empty();
            }
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> prefix : PREFIXES.entrySet()) {
            if (path.startsWith(prefix.getKey())) {
                return Optional.of(prefix.getValue() + path.substring(prefix.getKey().length()));
            }
        }
        return Optional.empty();
    }
}
