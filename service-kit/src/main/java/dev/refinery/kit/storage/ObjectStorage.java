package dev.refinery.kit.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's view of S3-compatible storage (MinIO client), one bucket. Streams in both
 * directions: uploads of unknown length go up part by part, downloads are returned as streams, so
 * large objects never sit whole in memory.
 */
@ApplicationScoped
public class ObjectStorage {

    @Inject
    S3Config config;

    private MinioClient client;

    @PostConstruct
    void connect() {
        client = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region(config.region())
                .build();
    }

    public String bucket() {
        return config.bucket();
    }

    /** Creates the bucket if it does not exist yet. */
    public void ensureBucket() {
        call(() -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket()).build());
            }
            return null;
        }, "create bucket " + bucket());
    }

    /** True when the bucket answers (readiness). */
    public boolean reachable() {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build());
        } catch (Exception e) {
            return false;
        }
    }

    /** Stores a stream of unknown length (multipart when large). The stream is read to its end, not closed. */
    public void put(String key, InputStream content, String contentType) {
        call(() -> client.putObject(PutObjectArgs.builder().bucket(bucket()).object(key)
                .stream(content, -1, config.partSize()).contentType(contentType).build()), "write " + key);
    }

    public void put(String key, byte[] content, String contentType) {
        call(() -> client.putObject(PutObjectArgs.builder().bucket(bucket()).object(key)
                .stream(new ByteArrayInputStream(content), content.length, -1).contentType(contentType).build()), "write " + key);
    }

    /** Opens an object for reading; the caller closes the stream. */
    public InputStream open(String key) {
        return call(() -> client.getObject(GetObjectArgs.builder().bucket(bucket()).object(key).build()), "read " + key);
    }

    public byte[] read(String key) {
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new StorageException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    public boolean exists(String key) {
        try {
            client.statObject(StatObjectArgs.builder().bucket(bucket()).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchObject".equals(e.errorResponse().code())) {
                return false;
            }
            throw new StorageException("cannot stat " + key + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new StorageException("cannot stat " + key + ": " + e.getMessage(), e);
        }
    }

    /** Keys under a prefix, recursively. */
    public List<String> list(String prefix) {
        return call(() -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(bucket()).prefix(prefix).recursive(true).build())) {
                keys.add(r.get().objectName());
            }
            return keys;
        }, "list " + prefix);
    }

    public void delete(String key) {
        call(() -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket()).object(key).build());
            return null;
        }, "delete " + key);
    }

    void close(@Observes ShutdownEvent ev) throws Exception {
        if (client != null) {
            client.close();
        }
    }

    private interface S3Call<T> {
        T run() throws Exception;
    }

    private static <T> T call(S3Call<T> call, String what) {
        try {
            return call.run();
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException("object storage failed to " + what + ": " + e.getMessage(), e);
        }
    }
}
