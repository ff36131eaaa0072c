package dev.refinery.providers.http;

import dev.refinery.providers.spec.ContentSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A multipart/form-data body whose file part is streamed from its source, with an exact Content-Length (some
 * upload endpoints refuse chunked bodies). Each send re-opens the source, so a retried upload works.
 */
public final class MultipartBody {

    private final String boundary = "refinery-" + UUID.randomUUID();
    private final List<BodyPublisher> parts = new ArrayList<>();
    private long length;

    public MultipartBody field(String name, String value) {
        bytes("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
        return this;
    }

    public MultipartBody file(String name, String fileName, String contentType, ContentSource source, long size) {
        bytes("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName.replace("\"", "")
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n");
        parts.add(BodyPublishers.ofInputStream(() -> open(source)));
        length += size;
        bytes("\r\n");
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public BodyPublisher publisher() {
        List<BodyPublisher> all = new ArrayList<>(parts);
        byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        all.add(BodyPublishers.ofByteArray(end));
        BodyPublisher concatenated = BodyPublishers.concat(all.toArray(BodyPublisher[]::new));
        return BodyPublishers.fromPublisher(concatenated, length + end.length);
    }

    private void bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        parts.add(BodyPublishers.ofByteArray(b));
        length += b.length;
    }

    static InputStream open(ContentSource source) {
        try {
            return source.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
