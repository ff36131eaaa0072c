package dev.refinery.training.service;

import dev.refinery.training.config.TrainingSettings;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import dev.refinery.training.repository.Pipeline;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Moves every pipeline that has something to do: ends runs whose evaluation never came, queues the runs of scheduled
 * pipelines whose time came, asks eval-service for the drift checks not asked yet, starts queued runs, submits a run's
 * next attempt, and picks up a submission a crash interrupted (its job's idempotency key finds the job it made). Each pipeline is decided under its own
 * row lock, so replicas sweeping at once take turns.
 */
@ApplicationScoped
public class PipelineSweep {

    private static final Logger LOG = Logger.getLogger(PipelineSweep.class);

    @Inject
    PipelineRuns runs;

    @Inject
    PipelineDrift drift;

    @Inject
    TrainingSettings settings;

    private static List<String> scheduledNow() {
        return QuarkusTransaction.requiringNew().call(() -> Pipeline.scheduledBy(OffsetDateTime.now(ZoneOffset.UTC)));
    }

    @Scheduled(every = "${refinery.training.pipelines.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        Duration within = settings.pipelines().evaluationWithin();
        for (String runId : runs.evaluationsOverdue(within)) {
            try {
                runs.evaluationMissing(runId, within);
            } catch (RuntimeException e) {
                LOG.warnf("run %s not ended this time: %s", runId, e.getMessage());
            }
        }
        for (String pipelineId : scheduledNow()) {
            try {
                runs.scheduled(pipelineId);
            } catch (RuntimeException e) {
                LOG.warnf("scheduled pipeline %s not looked at this time: %s", pipelineId, e.getMessage());
            }
        }
        for (String checkId : drift.overdue()) {
            try {
                drift.giveUp(checkId);
            } catch (RuntimeException e) {
                LOG.warnf("drift check %s not ended this time: %s", checkId, e.getMessage());
            }
        }
        for (String checkId : drift.toRequest()) {
            try {
                drift.request(checkId);
            } catch (RuntimeException e) {
                LOG.warnf("drift check %s not requested this time: %s", checkId, e.getMessage());
            }
        }
        for (String pipelineId : runs.pipelinesToAdvance()) {
            try {
                runs.advance(pipelineId);
            } catch (RuntimeException e) {
                // the database away, a replica racing: the next sweep tries again; nothing was half done
                LOG.warnf("pipeline %s not advanced this time: %s", pipelineId, e.getMessage());
            }
        }
    }
}
