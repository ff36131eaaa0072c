package dev.refinery.providers.kubernetes;

import dev.refinery.providers.spec.ContentSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The bucket as a map, standing in for training-service's S3 in these tests. */
final class InMemoryTrainerStorage implements TrainerStorage {

    final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public void put(String key, ContentSource content, long sizeBytes) throws IOException {
        try (InputStream in = content.open()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length != sizeBytes) {
                throw new IOException("expected " + sizeBytes + " bytes for " + key + ", got " + bytes.length);
            }
            objects.put(key, bytes);
        }
    }

    @Override
    public Optional<InputStream> open(String key) {
        byte[] bytes = objects.get(key);
        return bytes == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(bytes));
    }

    void putText(String key, String text) {
        objects.put(key, text.getBytes(StandardCharsets.UTF_8));
    }

    String text(String key) {
        byte[] bytes = objects.get(key);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
