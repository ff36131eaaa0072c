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
import java.util.function.Consumer;

/**
 * Moves every pipeline that has something to do: ends runs whose evaluation never came, queues the runs of scheduled
 * pipelines whose time came, asks eval-service for the drift checks not asked yet, moves shadow phases on (opens their
 * trial, reads it back, promotes or not), starts queued runs, submits a run's
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
    PipelineShadow shadow;

    @Inject
    TrainingSettings settings;

    private static List<String> scheduledNow() {
        return QuarkusTransaction.requiringNew().call(() -> Pipeline.scheduledBy(OffsetDateTime.now(ZoneOffset.UTC)));
    }

    @Scheduled(every = "${refinery.training.pipelines.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        Duration within = settings.pipelines().evaluationWithin();
        each(runs.evaluationsOverdue(within), runId -> runs.evaluationMissing(runId, within), "run %s not ended");
        each(scheduledNow(), runs::scheduled, "scheduled pipeline %s not looked at");
        each(drift.overdue(), drift::giveUp, "drift check %s not ended");
        each(drift.toRequest(), drift::request, "drift check %s not requested");
        each(shadow.running(), shadow::step, "shadow phase of run %s not moved on");
        each(runs.pipelinesToAdvance(), runs::advance, "pipeline %s not advanced");
    }

    /**
     * One step for each id, each on its own: a failure (the database away, a replica racing) is logged and the next sweep
     * takes that id again; every step is whole or not at all, so nothing is left half done.
     */
    private static void each(List<String> ids, Consumer<String> step, String notThisTime) {
        for (String id : ids) {
            try {
                step.accept(id);
            } catch (RuntimeException e) {
                LOG.warnf(notThisTime + " this time: %s", id, e.getMessage());
            }
        }
    }
}
