package dev.refinery.ingest.schedule;

import dev.refinery.ingest.service.SealTrigger;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Runs the seal sweep on every replica: the {@code sealAfter} windows that passed, and the {@code sealEvery} counts
 * reached whose seal never ran (its replica stopped before its seal thread got to it). No lease is needed: a collection's
 * seal takes its row lock and asks again, under it, whether it is due, so two replicas' sweeps make one version.
 */
@ApplicationScoped
public class SealSweep {

    private static final Logger LOG = Logger.getLogger(SealSweep.class);

    @Inject
    SealTrigger trigger;

    @Scheduled(every = "${refinery.ingest.seal-sweep-interval:30s}", delayed = "${refinery.ingest.seal-sweep-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            int sealed = trigger.sealWaitedTooLong() + trigger.sealCounted();
            if (sealed > 0) {
                LOG.debugf("seal sweep: %d collections sealed", sealed);
            }
        } catch (RuntimeException e) {
            // The database away: the examples wait, the next sweep looks again.
            LOG.warnf("sealAfter sweep failed, the next one tries again: %s", e.getMessage());
        }
    }
}
