package dev.refinery.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /v1/events against the real Kafka broker: what is published on the pipeline's topics reaches connected clients. */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(StubServices.class)
class LiveEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The topics and the golden sample of each. */
    private static final Map<String, String> SAMPLES = Map.of(
            "dataset-uploaded", "dataset-uploaded",
            "dataset-validated", "dataset-validated",
            "job-submitted", "job-submitted",
            "job-completed", "job-completed",
            "eval-finished", "eval-finished",
            "model-promoted", "model-promoted",
            "pipeline-run-finished", "pipeline-run-finished",
            "pipeline-paused", "pipeline-paused");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void everyPipelineEventReachesAConnectedClientNamedByItsTopic() throws Exception {
        try (SseClient client = SseClient.connect(events(""))) {
            assertEquals(200, client.status());
            assertTrue(client.contentType().startsWith("text/event-stream"), client.contentType());
            for (Map.Entry<String, String> topic : SAMPLES.entrySet()) {
                String sample = ContractSchemas.sample(topic.getValue());
                String subject = "agg-" + UUID.randomUUID();
                String time = Instant.now().toString();
                SseClient.Event event = deliver(client, topic.getKey(), subject,
                        () -> send(topic.getKey(), subject, sample, UUID.randomUUID().toString(), time));
                assertEquals(topic.getKey(), event.name());
                JsonNode data = JSON.readTree(event.data());
                assertEquals("refinery." + topic.getKey() + ".v1", data.get("type").asText());
                assertEquals(event.id(), data.get("id").asText(), "the SSE id is the CloudEvents id");
                assertEquals(subject, data.get("subject").asText());
                assertEquals(time, data.get("time").asText());
                assertEquals(JSON.readTree(sample), data.get("data"), "the payload arrives as it was published");
            }
            assertEquals(java.util.List.of(), client.unknownLines(), "only standard SSE fields");
        }
    }

    @Test
    void aSubjectFilterPassesOnlyThatAggregatesEvents() throws Exception {
        String wanted = "ft-" + UUID.randomUUID();
        String other = "ft-" + UUID.randomUUID();
        try (SseClient all = SseClient.connect(events(""));
             SseClient filtered = SseClient.connect(events("?subject=" + wanted))) {
            String sample = ContractSchemas.sample("job-completed");
            String warmUp = "warm-up-" + UUID.randomUUID();
            deliver(all, "job-completed", warmUp, () -> send("job-completed", warmUp, sample));
            send("job-completed", other, sample);
            send("job-completed", wanted, sample);
            all.await(e -> e.data().contains(other), WAIT, "the other job's event on the unfiltered stream");
            all.await(e -> e.data().contains(wanted), WAIT, "the wanted job's event on the unfiltered stream");
            SseClient.Event first = filtered.nextEvent(WAIT);
            assertNotNull(first, "the filtered client got nothing");
            assertEquals(wanted, JSON.readTree(first.data()).get("subject").asText(),
                    "the filtered stream skips the other job's event, which was published first");
        }
    }

    @Test
    void aPoisonMessageGoesToItsDeadLetterTopicAndLaterEventsStillArrive() throws Exception {
        try (SseClient client = SseClient.connect(events(""))) {
            String sample = ContractSchemas.sample("job-completed");
            String warmUp = "warm-up-" + UUID.randomUUID();
            deliver(client, "job-completed", warmUp, () -> send("job-completed", warmUp, sample));
            String noHeaders = "poison-" + UUID.randomUUID();
            String notJson = "poison-" + UUID.randomUUID();
            String wrongType = "poison-" + UUID.randomUUID();
            TopicProbe probe = new TopicProbe(kafka);
            probe.send("job-completed", noHeaders, "garbage");
            probe.send("job-completed", notJson, "{not json", "ce_id", UUID.randomUUID().toString(), "ce_type", "refinery.job-completed.v1");
            probe.send("job-completed", wrongType, sample, "ce_id", UUID.randomUUID().toString(), "ce_type", "refinery.eval-finished.v1");
            String after = "ft-after-" + UUID.randomUUID();
            send("job-completed", after, sample);

            SseClient.Event next = client.poll(e -> !e.name().startsWith(":") && !e.data().contains(warmUp), WAIT);
            assertNotNull(next, "the event after the poison messages never arrived");
            assertEquals(after, JSON.readTree(next.data()).get("subject").asText(), "no poison message reaches a client");
            for (String poison : new String[] {noHeaders, notJson, wrongType}) {
                ConsumerRecord<String, String> dead = probe.await("job-completed.dlq", r -> poison.equals(r.key()), WAIT);
                assertNotNull(TopicProbe.header(dead, "dead-letter-reason"), "the dead letter says why");
            }
        }
    }

    @Test
    void idleStreamsGetHeartbeats() {
        try (SseClient client = SseClient.connect(events(""))) {
            client.await(e -> e.name().equals(":comment") && e.data().equals("keep-alive"), Duration.ofSeconds(10), "a keep-alive comment");
        }
    }

    /**
     * Publishes with {@code publish} until the client sees an event about
     * {@code subject}: the gateway reads from the latest offset, and right after start-up its consumers
     * may not have their partitions yet, so the first records can pass before it listens.
     */
    private static SseClient.Event deliver(SseClient client, String topic, String subject, Runnable publish) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            publish.run();
            SseClient.Event e = client.poll(ev -> topic.equals(ev.name()) && ev.data().contains(subject), Duration.ofSeconds(2));
            if (e != null) {
                return e;
            }
        }
        throw new AssertionError("no " + topic + " event about " + subject + " reached the client within 60 s");
    }

    private void send(String topic, String key, String payload) {
        send(topic, key, payload, UUID.randomUUID().toString(), Instant.now().toString());
    }

    private void send(String topic, String key, String payload, String ceId, String time) {
        new TopicProbe(kafka).send(topic, key, payload,
                "ce_specversion", "1.0", "ce_id", ceId, "ce_type", "refinery." + topic + ".v1",
                "ce_source", "/refinery/test", "ce_subject", key, "ce_time", time, "content-type", "application/json");
    }

    private URI events(String query) {
        return URI.create("http://127.0.0.1:" + port + "/v1/events" + query);
    }
}
