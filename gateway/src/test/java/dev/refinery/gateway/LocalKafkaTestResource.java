package dev.refinery.gateway;

import dev.refinery.localstack.LocalKafka;
import dev.refinery.localstack.RunDirectory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * The real Kafka broker of deploy/local, alone: the gateway has no database and no bucket, so the
 * whole local stack (LocalStackTestResource) would start PostgreSQL and S3Proxy for nothing.
 */
public class LocalKafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private LocalKafka kafka;

    @Override
    public Map<String, String> start() {
        kafka = new LocalKafka(RunDirectory.create());
        kafka.start();
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }
}
