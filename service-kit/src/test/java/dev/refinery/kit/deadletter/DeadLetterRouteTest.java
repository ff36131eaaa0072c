package dev.refinery.kit.deadletter;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which topics a service may replay, read from its messaging configuration (no broker). */
class DeadLetterRouteTest {

    @Test
    void everyConsumedChannelWithADeadLetterStrategyIsARouteAndNothingElse() {
        Map<String, String> config = Map.of(
                "mp.messaging.incoming.job-completed.topic", "job-completed",
                "mp.messaging.incoming.job-completed.failure-strategy", "dead-letter-queue",
                "mp.messaging.incoming.job-completed.dead-letter-queue.topic", "job-completed.dlq",
                "mp.messaging.incoming.uploads.failure-strategy", "dead-letter-queue", // topic and DLQ left to SmallRye's defaults
                "mp.messaging.incoming.ticks.failure-strategy", "ignore",
                "mp.messaging.outgoing.eval-finished.topic", "eval-finished");

        List<DeadLetterRoute> routes = DeadLetterRoute.declared(config.keySet(), name -> Optional.ofNullable(config.get(name)));

        assertEquals(List.of(new DeadLetterRoute("job-completed", "job-completed.dlq"),
                new DeadLetterRoute("uploads", "dead-letter-topic-uploads")), routes);
    }
}
