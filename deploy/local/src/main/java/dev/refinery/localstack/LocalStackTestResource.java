package dev.refinery.localstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at a real Kafka, S3 and PostgreSQL started for it:
 * {@code @WithTestResource(LocalStackTestResource.class)}. Dev Services are switched off: they
 * would try to start containers, and this machine kind has no Docker.
 */
public class LocalStackTestResource implements QuarkusTestResourceLifecycleManager {

    private LocalStack stack;

    @Override
    public Map<String, String> start() {
        stack = LocalStack.start();
        Map<String, String> config = new LinkedHashMap<>(stack.quarkusConfig());
        config.put("quarkus.devservices.enabled", "false");
        return config;
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
