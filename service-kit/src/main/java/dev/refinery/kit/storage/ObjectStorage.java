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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /**
     * Downloads every object under the folder {@code prefix} ({@code a/b} and {@code a/b/} name the same folder) into
     * {@code into}, keeping each one's path below the prefix, e.g. a model's or an adapter's files.
     *
     * @return the files written; none when nothing is stored under the prefix
     * @throws UnsafeKeyException an object whose key would land outside {@code into} ({@code ../}): nothing more is written
     * @throws StorageException   when storage fails
     */
    public List<Path> downloadFolder(String prefix, Path into) {
        String folder = prefix.endsWith("/") ? prefix : prefix + "/";
        Path root = into.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        for (String key : list(folder)) {
            if (key.endsWith("/")) {
                continue;
            }
            Path target = localTarget(root, folder, key);
            try (InputStream in = open(key)) {
                Files.createDirectories(target.getParent());
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new StorageException("cannot download " + key + ": " + e.getMessage(), e);
            }
            written.add(target);
        }
        return written;
    }

    /** Where the object {@code key} of {@code folder} lands under {@code root}; refuses a key that would leave it. */
    static Path localTarget(Path root, String folder, String key) {
        Path target = root.resolve(key.substring(folder.length())).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new UnsafeKeyException("object " + key + " has a path outside " + folder);
        }
        return target;
    }

    /** An object's key that would be written outside the folder it is downloaded into: a permanent fault of the data. */
    public static final class UnsafeKeyException extends RuntimeException {
        public UnsafeKeyException(String message) {
            super(message);
        }
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
