package dev.refinery.gateway.health;

import dev.refinery.gateway.client.Upstream;
import dev.refinery.gateway.client.UpstreamClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Readiness reports whether each service answers its {@code /q/health/live}, as data, and stays UP
 * when one does not: the gateway still serves everything the other services own, and answers 503
 * UPSTREAM_UNAVAILABLE for the rest. Failing readiness instead would take every gateway instance out
 * of the load balancer when, say, eval-service is down, turning a partial outage into a total one.
 * The services are probed in parallel, each within {@code refinery.gateway.health-timeout}.
 */
@Readiness
@ApplicationScoped
public class UpstreamsHealthCheck implements AsyncHealthCheck {

    @Inject
    UpstreamClient upstreams;

    @Override
    public Uni<HealthCheckResponse> call() {
        Upstream[] all = Upstream.values();
        @SuppressWarnings("unchecked")
        CompletableFuture<String>[] probes = Arrays.stream(all).map(upstreams::probeLiveness).toArray(CompletableFuture[]::new);
        return Uni.createFrom().completionStage(CompletableFuture.allOf(probes)).map(done -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("upstream-services").up();
            for (int i = 0; i < all.length; i++) {
                response.withData(all[i].serviceName(), probes[i].join());
            }
            return response.build();
        });
    }
}
