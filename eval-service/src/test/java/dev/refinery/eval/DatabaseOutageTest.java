package dev.refinery.eval;

import dev.refinery.eval.service.EvaluationTransitions;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.DatabaseOutage;
import dev.refinery.localstack.DatabaseOutageTestResource;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL away for 60 seconds in the middle of an evaluation, with another job completing while it is away: both
 * evaluations end on their first attempt, once each, and nothing is dead-lettered. The service's connections go through a
 * proxy the test cuts (its own stack: {@link DatabaseOutageTestResource}).
 */
@QuarkusTest
@WithTestResource(DatabaseOutageTestResource.class)
class DatabaseOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(60);

    DatabaseOutage database;

    @Inject
    ObjectStorage storage;

    @Inject
    PausingHeldOutSplit heldOut;

    @Inject
    WorkLeases leases;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aSixtySecondOutageMidEvaluationIsWaitedOutAndEachEvaluationEndsOnce() throws Exception {
        TopicProbe probe = new TopicProbe(kafka);
        String midway = EvalFixtures.jobId();
        String datasetId = EvalFixtures.datasetId();
        String adapterKey = EvalFixtures.uploadAdapter(storage, midway);
        EvalFixtures.uploadTestSplit(storage, datasetId);
        PausingHeldOutSplit.Pause pause = heldOut.pause(datasetId);
        EvalFixtures.sendJobCompleted(probe, midway, EvalFixtures.succeededV2(midway, datasetId, "lora-adapter", adapterKey), 2);
        pause.awaitReached(Duration.ofSeconds(60)); // its attempt holds the lease, RUNNING, models loaded

        database.begin();
        String completedDuringOutage = EvalFixtures.jobId();
        EvalFixtures.sendJobCompleted(probe, completedDuringOutage,
                EvalFixtures.succeededV2(completedDuringOutage, EvalFixtures.datasetId(), "lora-adapter", "jobs/" + completedDuringOutage + "/adapter/"), 2);
        pause.resume(); // the comparison runs (storage is up), then its result cannot be stored
        Thread.sleep(OUTAGE.toMillis());
        database.end();

        JsonPath evaluated = EvalFixtures.awaitFinished(midway);
        assertEquals("COMPLETED", evaluated.getString("status"), evaluated.prettify());
        assertEquals(1, evaluated.getInt("attempts"));
        JsonPath other = EvalFixtures.awaitFinished(completedDuringOutage); // applied once the database was back
        assertEquals("EVAL_ADAPTER_MISSING", other.getString("failureCode"));
        assertEquals(1, other.getInt("attempts"));
        for (JsonPath eval : new JsonPath[]{evaluated, other}) {
            String id = eval.getString("id");
            assertEquals(1, probe.all("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(3)).size(), "announced once");
            WorkLeases.Row lease = leases.find(EvaluationTransitions.LEASE_KIND, id).orElseThrow();
            assertEquals("DONE", lease.state());
            assertEquals(0, lease.failures(), "the outage is not the evaluation's fault");
        }
        assertTrue(probe.all("job-completed.dlq", r -> true, Duration.ofSeconds(5)).isEmpty(), "nothing dead-lettered");
    }
}
