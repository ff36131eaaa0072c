package dev.refinery.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fine-tunes watch follows a job to its end and exits with its outcome. */
class WatchTest {

    private static final String METRICS = "{\"jobId\":\"ft-1\",\"steps\":[{\"step\":1,\"loss\":2.0,\"tokensPerSecond\":400.0},"
            + "{\"step\":2,\"loss\":1.5,\"tokensPerSecond\":410.0},{\"step\":3,\"loss\":1.2,\"tokensPerSecond\":412.4}],\"validation\":[]}";

    @Test
    void aJobThatSucceedsEndsTheWatchWithZeroShowingItsProgress() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("GET /v1/fine-tunes/ft-1",
                        "{\"id\":\"ft-1\",\"status\":\"QUEUED\"}",
                        "{\"id\":\"ft-1\",\"status\":\"RUNNING\",\"progress\":{\"step\":3,\"totalSteps\":10,\"loss\":1.2,\"etaSeconds\":70}}",
                        "{\"id\":\"ft-1\",\"status\":\"SUCCEEDED\",\"progress\":{\"step\":10,\"totalSteps\":10,\"loss\":0.9},"
                                + "\"result\":{\"steps\":10,\"finalTrainLoss\":0.9,\"finalValidationLoss\":1.1}}")
                .on("GET /v1/fine-tunes/ft-1/metrics", METRICS)) {
            CliRun r = CliRun.run("--gateway", gateway.url(), "fine-tunes", "watch", "ft-1", "--interval", "1s");
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals("QUEUED", lines.get(0));
            assertEquals("RUNNING  step 3/10  loss 1.2000  \u2588\u2584\u2581  412 tok/s  ETA 1m10s", lines.get(1));
            assertTrue(lines.get(2).startsWith("SUCCEEDED  step 10/10  loss 0.9000"), lines.get(2));
            assertEquals("job ft-1 succeeded after 10 steps; train loss 0.9000, validation loss 1.1000", lines.get(3));
        }
    }

    @Test
    void aJobThatFailsOrIsCancelledEndsTheWatchWithOne() throws Exception {
        try (FakeGateway gateway = new FakeGateway()
                .on("GET /v1/fine-tunes/ft-2", "{\"id\":\"ft-2\",\"status\":\"RUNNING\"}",
                        "{\"id\":\"ft-2\",\"status\":\"FAILED\",\"result\":{\"failureCode\":\"ENGINE_NON_FINITE_LOSS\",\"failureReason\":\"loss is NaN at step 4\"}}")
                .on("GET /v1/fine-tunes/ft-3", "{\"id\":\"ft-3\",\"status\":\"CANCELLED\"}")) {
            CliRun failed = CliRun.run("--gateway", gateway.url(), "fine-tunes", "watch", "ft-2", "--interval", "1s");
            assertEquals(1, failed.code(), failed.err());
            assertTrue(failed.out().endsWith("job ft-2 failed: ENGINE_NON_FINITE_LOSS: loss is NaN at step 4\n"), failed.out());
            CliRun cancelled = CliRun.run("--gateway", gateway.url(), "fine-tunes", "watch", "ft-3", "--json");
            assertEquals(1, cancelled.code(), cancelled.err());
            assertEquals("CANCELLED", new ObjectMapper().readTree(cancelled.out()).get("status").asText(), "one JSON line per change");
        }
    }

    @Test
    void aJobThatDoesNotExistIsTheGatewaysAnswer() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            CliRun r = CliRun.run("--gateway", gateway.url(), "fine-tunes", "watch", "ft-none");
            assertEquals(2, r.code());
            assertTrue(r.err().contains("404"), r.err());
        }
    }
}
