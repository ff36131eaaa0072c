package dev.refinery.kit.work;

import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Runs a piece of work again, with exponential back-off and jitter, for as long as it fails transiently (the database,
 * storage or the broker briefly away; see {@link TransientFailures}). Any other failure is thrown at once. Each try is
 * one call of the work, so work that opens its own transaction gets a fresh one each time.
 *
 * <p>Consumers wrap their transactional effect in it: an event that cannot be applied <em>now</em> waits for the
 * database instead of going to the dead-letter topic, which is for events that can never succeed.
 */
@ApplicationScoped
public class TransientRetry {

    private static final Logger LOG = Logger.getLogger(TransientRetry.class);

    /** How long transient trouble is waited out before the failure is let through: practically forever. */
    @ConfigProperty(name = "refinery.transient-retry.max-duration", defaultValue = "PT24H")
    Duration maxDuration;

    @ConfigProperty(name = "refinery.transient-retry.max-delay", defaultValue = "PT10S")
    Duration maxDelay;

    private Guard guard;

    @PostConstruct
    void build() {
        guard = Guard.create()
                .withDescription("transient-retry")
                .withRetry()
                .maxRetries(-1)
                .maxDuration(maxDuration.toMillis(), ChronoUnit.MILLIS)
                .delay(200, ChronoUnit.MILLIS)
                .jitter(100, ChronoUnit.MILLIS)
                .whenException(TransientFailures.INSTANCE)
                .beforeRetry((Throwable t) -> LOG.warnf("transient failure, trying again after a back-off: %s", t.toString()))
                .withExponentialBackoff().maxDelay(maxDelay.toMillis(), ChronoUnit.MILLIS).done()
                .done()
                .build();
    }

    public void run(Runnable work) {
        get(() -> {
            work.run();
            return null;
        });
    }

    /** The work's result (null allowed), after as many tries as transient failures take. */
    @SuppressWarnings("unchecked")
    public <T> T get(java.util.function.Supplier<T> work) {
        return (T) guard.get(() -> new Result(work.get()), Result.class).value();
    }

    /** A holder, so that a null result is a result (the guard's type tells synchronous work by its class). */
    private record Result(Object value) {
    }
}
