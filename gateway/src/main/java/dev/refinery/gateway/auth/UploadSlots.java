package dev.refinery.gateway.auth;

import dev.refinery.gateway.identity.AuthConfig;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Uploads in flight, per project and in all: one more than allowed is refused before its body is read (429
 * {@code UPLOADS_TOO_MANY} for a project's own, 503 {@code UPLOADS_BUSY} when the replica is full), so a tenant cannot
 * hold every connection and buffer of the gateway with slow uploads.
 */
@ApplicationScoped
public class UploadSlots {

    private static final int RETRY_AFTER_SECONDS = 5;

    @Inject
    AuthConfig config;

    private final Map<String, Semaphore> perTenant = new ConcurrentHashMap<>();
    private volatile Semaphore total;

    /** A slot held until it is closed (try-with-resources around the upload). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    public Slot take(String tenant) {
        Semaphore all = total();
        Semaphore own = perTenant.computeIfAbsent(tenant, t -> new Semaphore(config.uploads().perTenant()));
        if (!own.tryAcquire()) {
            throw new ApiException(429, "UPLOADS_TOO_MANY", "Too many requests", "this project has " + config.uploads().perTenant()
                    + " uploads in flight already; try again when one has finished").retryAfter(RETRY_AFTER_SECONDS);
        }
        if (!all.tryAcquire()) {
            own.release();
            throw new ApiException(503, "UPLOADS_BUSY", "Service unavailable", "the gateway is taking as many uploads as it can; "
                    + "try again shortly").retryAfter(RETRY_AFTER_SECONDS);
        }
        return () -> {
            all.release();
            own.release();
        };
    }

    private Semaphore total() {
        Semaphore s = total;
        if (s == null) {
            synchronized (this) {
                if (total == null) {
                    total = new Semaphore(config.uploads().total());
                }
                s = total;
            }
        }
        return s;
    }
}
