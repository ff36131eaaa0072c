package dev.refinery.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.ContractSchemas;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real full fine-tune of stories260K (every weight trained by the engine, written as a Hugging Face folder) announced by a
 * job-completed v2, evaluated against its base model.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class FullFineTuneEvaluationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aFullFineTuneIsEvaluatedAgainstItsBaseAndGetsAVerdict() throws Exception {
        String jobId = EvalFixtures.jobId();
        String datasetId = EvalFixtures.datasetId();
        String modelKey = EvalFixtures.uploadFullModel(storage, jobId);
        EvalFixtures.uploadTestSplit(storage, datasetId);
        String payload = EvalFixtures.succeededV2(jobId, datasetId, "full-model", modelKey);
        ContractSchemas.assertValid("job-completed", 2, payload);
        TopicProbe probe = new TopicProbe(kafka);
        EvalFixtures.sendJobCompleted(probe, jobId, payload, 2);

        JsonPath eval = EvalFixtures.awaitFinished(jobId);
        assertEquals("COMPLETED", eval.getString("status"), eval.prettify());
        assertEquals("full-model", eval.getString("artifactType"));
        assertEquals("jobs/" + jobId + "/model/", eval.getString("artifactKey"));
        assertEquals(EvalFixtures.TEST_ITEMS, eval.getInt("items"));
        assertEquals("stories260K", eval.getString("baseline.model"));
        assertEquals("stories260K+" + jobId, eval.getString("candidate.model"));
        assertTrue(List.of("CANDIDATE_BETTER", "NO_SIGNIFICANT_DIFFERENCE", "CANDIDATE_WORSE").contains(eval.getString("verdict")));
        // Every weight trained for two epochs on the task's replies: the held-out loss on them falls.
        assertTrue(eval.getDouble("candidate.heldOutLoss") < eval.getDouble("baseline.heldOutLoss"), eval.prettify());

        String id = eval.getString("id");
        ConsumerRecord<String, String> event = probe.await("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(20));
        ContractSchemas.assertValid("eval-finished", 3, event.value());
        JsonNode finished = JSON.readTree(event.value());
        assertEquals("COMPLETED", finished.get("status").asText());
        assertEquals(eval.getString("verdict"), finished.get("verdict").asText());
    }
}
