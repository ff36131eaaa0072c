package dev.refinery.training.service;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Makes sure no job is left QUEUED or RUNNING with nobody training it: at start and then periodically it
 * hands every orphaned job (see {@link JobLifecycle#orphans}) to the pool, whose next attempt resumes
 * from the newest stored checkpoint or starts over.
 */
@ApplicationScoped
public class JobSweeper {

    private static final Logger LOG = Logger.getLogger(JobSweeper.class);

    @Inject
    JobLifecycle lifecycle;

    @Inject
    JobWorkerPool pool;

    void onStart(@Observes StartupEvent event) {
        sweep();
    }

    @Scheduled(every = "${refinery.training.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            for (String jobId : lifecycle.orphans(pool.held())) {
                if (pool.dispatch(jobId)) {
                    LOG.infof("job %s had no worker: handed to the pool", jobId);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("sweep failed, next one in a moment: %s", e.getMessage());
        }
    }
}
