package dev.refinery.inference.capture;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

/**
 * Deletes captured answers older than their project's retention (its feedback goes with them: the foreign key cascades).
 * A project's answers stay deleted on schedule after it turns capture off; one whose settings row is gone (none is ever
 * deleted, but to be safe) keeps the default 30 days.
 */
@ApplicationScoped
public class RetentionSweep {

    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

    @Inject
    EntityManager em;

    @Scheduled(every = "${refinery.inference.capture-sweep-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf("deleting captured answers past their retention failed, next time then: %s", e.getMessage());
        }
    }

    /** @return how many answers were deleted */
    @Transactional
    public int sweep() {
        int deleted = em.createNativeQuery("DELETE FROM captured_exchange e WHERE e.created_at < now() - make_interval(days => "
                + "COALESCE((SELECT s.retention_days FROM capture_settings s WHERE s.tenant = e.tenant), "
                + CaptureSettingsService.DEFAULT_RETENTION_DAYS + "))").executeUpdate();
        if (deleted > 0) {
            LOG.infof("deleted %d captured answers past their project's retention", deleted);
        }
        return deleted;
    }
}
