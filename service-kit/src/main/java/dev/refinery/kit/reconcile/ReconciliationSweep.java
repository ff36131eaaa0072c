package dev.refinery.kit.reconcile;

import dev.refinery.identity.IdentityTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs the service's {@link ReconciledWork} every {@code refinery.reconcile.interval} against the owner at
 * {@code refinery.reconcile.upstream-url}. Off when the URL is not set or the service declares no reconciled work.
 */
@ApplicationScoped
public class ReconciliationSweep {

    private static final Logger LOG = Logger.getLogger(ReconciliationSweep.class);

    @ConfigProperty(name = "refinery.reconcile.upstream-url")
    Optional<URI> upstreamUrl;

    /** Longer than any normal delivery (relay, broker, consumer back-off): younger items may still be on their way. */
    @ConfigProperty(name = "refinery.reconcile.grace", defaultValue = "PT10M")
    Duration grace;

    /** As far back as the broker keeps events (7 days by default) and a bit more. */
    @ConfigProperty(name = "refinery.reconcile.horizon", defaultValue = "P8D")
    Duration horizon;

    @Inject
    Instance<ReconciledWork> work;

    @Inject
    MeterRegistry registry;

    @Inject
    IdentityTokens tokens;

    @ConfigProperty(name = "quarkus.application.name")
    String service;

    private Reconciliation reconciliation;

    @PostConstruct
    void start() {
        if (upstreamUrl.isEmpty() || !work.isResolvable()) {
            return;
        }
        ReconciledWork w = work.get();
        URI collection = URI.create(upstreamUrl.get().toString().replaceAll("/+$", "") + w.collectionPath());
        reconciliation = new Reconciliation(w.name(), new HttpUpstream(collection, w.timeField(), w.filter(), tokens, service), w.known(), grace, horizon, 200);
        LOG.infof("%s are reconciled with %s every pass (grace %s, horizon %s)", w.name(), collection, grace, horizon);
    }

    @Scheduled(every = "${refinery.reconcile.interval:5m}", delayed = "${refinery.reconcile.interval:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        if (reconciliation == null) {
            return;
        }
        Reconciliation.Result result = reconciliation.sweep(Instant.now());
        registry.counter("refinery_reconcile_announced_again_total").increment(result.announcedAgain().size());
        if (!result.complete()) {
            registry.counter("refinery_reconcile_incomplete_total").increment();
        }
    }
}
