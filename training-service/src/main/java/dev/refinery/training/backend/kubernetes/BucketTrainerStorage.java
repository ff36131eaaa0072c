package dev.refinery.training.backend.kubernetes;

import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import dev.refinery.providers.kubernetes.TrainerStorage;
import dev.refinery.providers.spec.ContentSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The Kubernetes backend's storage is this service's bucket: the trainer pods read the validated splits from it and
 * write {@code jobs/{id}/adapter/}, {@code metrics.jsonl} and {@code result.json} to it, where the backend reads them.
 */
final class BucketTrainerStorage implements TrainerStorage {

    private final ObjectStorage storage;

    BucketTrainerStorage(ObjectStorage storage) {
        this.storage = storage;
    }

    @Override
    public void put(String key, ContentSource content, long sizeBytes) throws IOException {
        try (InputStream in = content.open()) {
            storage.put(key, in, key.endsWith(".json") ? "application/json" : "application/x-ndjson");
        } catch (StorageException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        try {
            return storage.exists(key) ? Optional.of(storage.open(key)) : Optional.empty();
        } catch (StorageException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
