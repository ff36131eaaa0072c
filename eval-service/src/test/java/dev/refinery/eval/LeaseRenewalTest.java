package dev.refinery.eval;

import dev.refinery.eval.service.EvaluationTransitions;
import dev.refinery.kit.lease.LeaseKind;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An evaluation that runs several times longer than its lease (2 s in the tests) is renewed the whole time: another
 * replica cannot take it over, and it runs once, on its first attempt, and is announced once.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class LeaseRenewalTest {

    @Inject
    ObjectStorage storage;

    @Inject
    WorkLeases leases;

    @Inject
    PausingHeldOutSplit heldOut;

    @ConfigProperty(name = "refinery.eval.lease")
    Duration lease;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void anEvaluationLongerThanItsLeaseIsRenewedNotStartedAgainAndRunsOnce() throws Exception {
        String jobId = EvalFixtures.jobId();
        String datasetId = EvalFixtures.datasetId();
        String adapterKey = EvalFixtures.uploadAdapter(storage, jobId);
        EvalFixtures.uploadTestSplit(storage, datasetId);
        PausingHeldOutSplit.Pause pause = heldOut.pause(datasetId);
        TopicProbe probe = new TopicProbe(kafka);
        EvalFixtures.sendJobCompleted(probe, jobId, EvalFixtures.succeededV2(jobId, datasetId, "lora-adapter", adapterKey), 2);
        pause.awaitReached(Duration.ofSeconds(60));
        String id = String.valueOf(EvalFixtures.evaluationsOf(jobId).get(0).get("id"));
        WorkLeases.Row first = leases.find(EvaluationTransitions.LEASE_KIND, id).orElseThrow();

        Thread.sleep(lease.multipliedBy(3).toMillis()); // the evaluation is three leases long already
        WorkLeases.Row later = leases.find(EvaluationTransitions.LEASE_KIND, id).orElseThrow();
        assertEquals("HELD", later.state());
        assertEquals(first.holder(), later.holder());
        assertEquals(1, later.attempt(), "never started again");
        assertTrue(later.heldUntil().isAfter(first.heldUntil()) && later.heldUntil().isAfter(Instant.now()),
                "renewed: held until " + later.heldUntil() + ", first " + first.heldUntil());
        LeaseKind otherReplica = new LeaseKind(EvaluationTransitions.LEASE_KIND, lease, 3, Duration.ZERO, Duration.ZERO);
        assertTrue(leases.claim(otherReplica, id, "other-replica").isEmpty(), "a live evaluation is not taken over");
        given().when().get("/evals/" + id).then().statusCode(200).body("status", equalTo("RUNNING"));

        pause.resume();
        JsonPath eval = EvalFixtures.awaitFinished(jobId);
        assertEquals("COMPLETED", eval.getString("status"), eval.prettify());
        assertEquals(1, eval.getInt("attempts"));
        assertEquals(1, probe.all("eval-finished", r -> id.equals(r.key()), Duration.ofSeconds(3)).size(), "announced once");
        WorkLeases.Row done = leases.find(EvaluationTransitions.LEASE_KIND, id).orElseThrow();
        assertEquals("DONE", done.state());
        assertEquals(0, done.failures());
    }
}
