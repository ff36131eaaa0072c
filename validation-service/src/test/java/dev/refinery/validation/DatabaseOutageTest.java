package dev.refinery.validation;

import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.DatabaseOutage;
import dev.refinery.localstack.DatabaseOutageTestResource;
import dev.refinery.validation.service.ValidationRuns;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL away for 60 seconds in the middle of a validation, with another dataset uploaded while it is away: both end
 * VALID, once each, on their first attempt, and nothing is dead-lettered. The service's connections go through a proxy the
 * test cuts (its own stack: {@link DatabaseOutageTestResource}).
 */
@QuarkusTest
@WithTestResource(DatabaseOutageTestResource.class)
class DatabaseOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(60);

    DatabaseOutage database;

    @Inject
    ObjectStorage storage;

    @Inject
    PausingCheckSettings checks;

    @Inject
    WorkLeases leases;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void aSixtySecondOutageMidValidationIsWaitedOutAndEachRunEndsValidOnce() throws Exception {
        Fixtures fixtures = new Fixtures(storage, kafka);
        String midway = Fixtures.newDatasetId();
        fixtures.putRaw(Fixtures.rawKey(midway), Fixtures.goodRecords("midway", 200));
        Runnable resume = checks.pauseNext();
        fixtures.sendUploaded(midway, Fixtures.rawKey(midway));
        checks.awaitPaused(Fixtures.EVENT_TIMEOUT); // its attempt holds the lease and the run is RUNNING

        database.begin();
        String uploadedDuringOutage = Fixtures.newDatasetId();
        fixtures.upload(uploadedDuringOutage, Fixtures.goodRecords("during", 40));
        resume.run(); // the validation streams the file (storage is up) and then cannot store its result
        Thread.sleep(OUTAGE.toMillis());
        database.end();

        for (String id : List.of(midway, uploadedDuringOutage)) {
            Fixtures.awaitReport(id).body("status", equalTo("VALID")).body("attempts", equalTo(1));
            assertEquals(1, fixtures.probe().all("dataset-validated", r -> id.equals(r.key()), Duration.ofSeconds(4)).size(),
                    "validated and announced once");
            WorkLeases.Row lease = leases.find(ValidationRuns.LEASE_KIND, id).orElseThrow();
            assertEquals("DONE", lease.state());
            assertEquals(0, lease.failures(), "the outage is not the run's fault");
        }
        assertTrue(fixtures.probe().all("dataset-uploaded.dlq", r -> true, Duration.ofSeconds(5)).isEmpty(), "nothing dead-lettered");
    }
}
