package dev.refinery.eval.messaging;

import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.kit.reconcile.ReconciledWork;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finished jobs whose job-completed never reached this service: every SUCCEEDED job with an adapter or a whole model in
 * our bucket must have been registered here, with its evaluation unless its job asked for none (models a provider keeps are
 * not evaluated, so they are not asked for). The
 * kit's reconciliation asks training-service ({@code refinery.reconcile.upstream-url}) to announce again each such job
 * without one, and the announcement takes the consumer's one path. It works across tenants: the kit calls training-service
 * as one of Refinery's services (which sees every tenant's jobs), and the check below is not scoped to a tenant because a
 * job id is unique platform-wide; the re-announced event carries the job's tenant like the original.
 */
@ApplicationScoped
public class LostCompletions {

    @Produces
    @Singleton // a record cannot be proxied, so not a normal scope
    ReconciledWork finishedJobs() {
        return new ReconciledWork("finished jobs", "/jobs", "finishedAt", "status=SUCCEEDED&artifactType=lora-adapter,full-model",
                LostCompletions::registered);
    }

    private static Set<String> registered(Set<String> jobIds) {
        // registered = its job-completed was applied (the version and the evaluation, if any, are recorded together)
        return QuarkusTransaction.requiringNew().call(() -> ModelVersion.<ModelVersion>list("jobId in ?1", jobIds).stream()
                .map(v -> v.jobId).collect(Collectors.toSet()));
    }
}
