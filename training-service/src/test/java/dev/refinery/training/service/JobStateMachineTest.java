package dev.refinery.training.service;

import dev.refinery.providers.spi.JobError;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The canonical life of a job, every backend's, as pure functions: no database, no Quarkus. */
class JobStateMachineTest {

    @Test
    void statesOnlyMoveForwardAndAnOutcomeIsNeverReachedByAReport() {
        Job job = job(JobStatus.QUEUED);
        assertTrue(JobStateMachine.advance(job, JobStatus.VALIDATING, "INFO", "checking files").isPresent());
        assertTrue(JobStateMachine.advance(job, JobStatus.RUNNING, "INFO", "training").isPresent());
        assertTrue(JobStateMachine.advance(job, JobStatus.QUEUED, "INFO", "pending again").isEmpty(), "never backwards");
        assertEquals(JobStatus.RUNNING, job.status);
        assertTrue(JobStateMachine.advance(job, JobStatus.SUCCEEDED, "INFO", "done").isEmpty(), "an outcome only through finish()");
        assertEquals(JobStatus.RUNNING, job.status);
    }

    @Test
    void aReportRecordsRawStatusProgressCostAndOutputAndMovesTheState() {
        Job job = job(JobStatus.QUEUED);
        List<JobEvent> history = JobStateMachine.report(job, report(JobState.RUNNING, "running", 12L, new BigDecimal("1.25"), "me/model"),
                null, "together", "reported price");
        assertEquals(JobStatus.RUNNING, job.status);
        assertEquals("running", job.rawStatus);
        assertEquals(12, job.currentStep);
        assertEquals(new BigDecimal("1.25"), job.actualCostUsd);
        assertEquals("together job p-1 reported price", job.actualCostSource);
        assertEquals("me/model", job.outputModel);
        assertEquals(1, history.size());
        assertEquals("RUNNING", history.get(0).state);
        assertTrue(history.get(0).message.contains("together reports running"), history.get(0).message);
    }

    @Test
    void aPausedJobStaysRunningAndItsPauseIsRecordedOnceEachWay() {
        Job job = job(JobStatus.RUNNING);
        List<JobEvent> paused = JobStateMachine.report(job, report(JobState.PAUSED, "paused", null, null, null), null, "openai", "price");
        List<JobEvent> stillPaused = JobStateMachine.report(job, report(JobState.PAUSED, "paused", null, null, null), null, "openai", "price");
        assertEquals(JobStatus.RUNNING, job.status, "no PAUSED canonical state");
        assertEquals(List.of("PAUSED"), paused.stream().map(e -> e.type).toList());
        assertTrue(stillPaused.isEmpty(), "said once, however many polls say so");
        assertTrue(job.pausedAt != null);

        List<JobEvent> resumed = JobStateMachine.report(job, report(JobState.RUNNING, "running", null, null, null), null, "openai", "price");
        assertEquals(List.of("RESUMED"), resumed.stream().map(e -> e.type).toList());
        assertNull(job.pausedAt);
    }

    @Test
    void aReportAskedBeforeThePauseLastChangedIsOlderNewsAndChangesNothing() {
        Job job = job(JobStatus.RUNNING);
        job.pausedAt = OffsetDateTime.now(ZoneOffset.UTC);
        job.pauseChangedAt = job.pausedAt;
        Instant askedBefore = job.pauseChangedAt.toInstant().minusSeconds(5);
        List<JobEvent> history = JobStateMachine.report(job, report(JobState.RUNNING, "running", null, null, null), askedBefore, "openai", "p");
        assertTrue(history.isEmpty());
        assertTrue(job.pausedAt != null, "the slow poll did not undo the pause");
    }

    @Test
    void aCancelEndsAJobNotAtItsBackendAndAsksTheBackendOtherwise() {
        Job waiting = job(JobStatus.QUEUED);
        List<JobEvent> history = new ArrayList<>();
        assertEquals(JobStateMachine.CancelDecision.ENDS_NOW, JobStateMachine.requestCancel(waiting, "not needed", false, history));
        assertEquals("not needed", waiting.cancelReason);

        Job created = job(JobStatus.RUNNING);
        created.providerJobId = "p-1";
        assertEquals(JobStateMachine.CancelDecision.ASK_BACKEND, JobStateMachine.requestCancel(created, "over budget", true, history));
        assertEquals(JobStatus.CANCELLING, created.status);
        assertEquals(List.of("BUDGET", "CANCELLING"), history.stream().map(e -> e.type).toList());
        assertEquals(JobStateMachine.CancelDecision.ALREADY_CANCELLING, JobStateMachine.requestCancel(created, "again", false, history));

        Job unconfirmed = job(JobStatus.QUEUED);
        unconfirmed.createFileId = "file-1";
        assertEquals(JobStateMachine.CancelDecision.CREATE_UNCONFIRMED, JobStateMachine.requestCancel(unconfirmed, "x", false, history));
        assertNull(unconfirmed.cancelReason, "nothing changes while a create's answer is unknown");

        Job done = job(JobStatus.SUCCEEDED);
        assertEquals(JobStateMachine.CancelDecision.ALREADY_FINISHED, JobStateMachine.requestCancel(done, "x", false, history));
    }

    @Test
    void theOutcomeOfATerminalReportNamesTheArtifactOrTheFailure() {
        Job job = job(JobStatus.RUNNING);
        job.providerJobId = "p-1";
        job.outputModel = "me/model";
        JobStateMachine.Outcome ok = JobStateMachine.outcomeOf(job, report(JobState.SUCCEEDED, "completed", null, null, null),
                "lora-adapter", null, null);
        assertEquals(JobStatus.SUCCEEDED, ok.status());
        assertTrue(ok.message().contains("kept by together as me/model"), ok.message());

        JobStateMachine.Outcome failed = JobStateMachine.outcomeOf(job, new ProviderJob("together", "p-1", JobState.FAILED, "error", null, null,
                null, null, null, null, null, null, new JobError("oom", "ran out of memory", null), null, null, null, null), null, null, null);
        assertEquals("PROVIDER_JOB_FAILED", failed.failureCode());
        assertTrue(failed.failureReason().contains("ran out of memory"));
        JobStateMachine.Outcome ownCode = JobStateMachine.outcomeOf(job, report(JobState.FAILED, "Failed", null, null, null), null, null,
                "TRAINER_OUT_OF_MEMORY");
        assertEquals("TRAINER_OUT_OF_MEMORY", ownCode.failureCode(), "a backend with its own codes keeps them");
    }

    @Test
    void finishingStoresTheArtifactInOurBucketOnlyWhenItHasAKey() {
        Job local = job(JobStatus.RUNNING);
        JobEvent entry = JobStateMachine.finish(local, JobStateMachine.Outcome.succeeded("full-model", "jobs/ft-1/model/", "stored"), "refinery");
        assertEquals(JobStatus.SUCCEEDED, local.status);
        assertEquals("full-model", local.artifactType);
        assertEquals("refinery", local.bucket);
        assertEquals("SUCCEEDED", entry.state);

        Job hosted = job(JobStatus.RUNNING);
        JobStateMachine.finish(hosted, JobStateMachine.Outcome.succeeded("lora-adapter", null, "kept"), "refinery");
        assertNull(hosted.bucket, "a provider's model is not in our bucket");
        assertFalse(hosted.status.canMoveTo(JobStatus.RUNNING));
    }

    private static Job job(JobStatus status) {
        Job job = new Job();
        job.id = "ft-00000000000000000000000000000001";
        job.backend = "together";
        job.status = status;
        return job;
    }

    private static ProviderJob report(JobState state, String raw, Long step, BigDecimal cost, String outputModel) {
        return new ProviderJob("together", "p-1", state, raw, null, step, null, null, null, null, cost, outputModel, null, null, null, null, null);
    }
}
