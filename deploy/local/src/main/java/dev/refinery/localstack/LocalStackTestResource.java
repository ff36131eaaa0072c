package dev.refinery.localstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at a real Kafka, S3 and PostgreSQL started for it:
 * {@code @WithTestResource(LocalStackTestResource.class)}.
 *
 * <p>The service must also set {@code quarkus.devservices.enabled=false} in its own configuration:
 * Quarkus starts Dev Services while it builds the application, before any test resource runs, so
 * a property returned from here comes too late to stop them looking for Docker (checked with
 * Quarkus 3.33.2).
 */
public class LocalStackTestResource implements QuarkusTestResourceLifecycleManager {

    private LocalStack stack;

    @Override
    public Map<String, String> start() {
        stack = LocalStack.start();
        return stack.quarkusConfig();
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    /** The running stack, for tests that want more than the configuration (e.g. its run directory). */
    public LocalStack stack() {
        return stack;
    }
}
