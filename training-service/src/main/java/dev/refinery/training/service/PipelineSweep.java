package dev.refinery.training.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Moves every pipeline that has something to do: starts queued runs, submits a run's next attempt, and picks up a
 * submission a crash interrupted (its job's idempotency key finds the job it made). Each pipeline is decided under its own
 * row lock, so replicas sweeping at once take turns.
 */
@ApplicationScoped
public class PipelineSweep {

    private static final Logger LOG = Logger.getLogger(PipelineSweep.class);

    @Inject
    PipelineRuns runs;

    @Scheduled(every = "${refinery.training.pipelines.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
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
