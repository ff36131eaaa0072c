package dev.refinery.kit.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness includes the object store: a service that cannot reach its bucket cannot do its job. */
@Readiness
@ApplicationScoped
public class ObjectStorageHealthCheck implements HealthCheck {

    @Inject
    ObjectStorage storage;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("object-storage")
                .withData("bucket", storage.bucket())
                .status(storage.reachable())
                .build();
    }
}
