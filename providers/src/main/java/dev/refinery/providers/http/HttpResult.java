package dev.refinery.providers.http;

import java.net.http.HttpHeaders;

/** A response the transport accepted (2xx, or 3xx when the caller handles redirects itself). */
public record HttpResult(int status, HttpHeaders headers, byte[] body) {

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }
}
