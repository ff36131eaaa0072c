package dev.refinery.validation.messaging;

import dev.refinery.kit.reconcile.ReconciledWork;
import dev.refinery.validation.repository.ValidationRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Uploads whose dataset-uploaded never reached this service: every dataset ingest-service stored must have a validation
 * run here. The kit's reconciliation asks ingest-service ({@code refinery.reconcile.upstream-url}) to announce again each
 * dataset without one, and the announcement takes the consumer's one path.
 */
@ApplicationScoped
public class LostUploads {

    @Produces
    @Singleton // a record cannot be proxied, so not a normal scope
    ReconciledWork uploads() {
        return new ReconciledWork("uploads", "/datasets", "createdAt", "", LostUploads::withRuns);
    }

    private static Set<String> withRuns(Set<String> datasetIds) {
        return QuarkusTransaction.requiringNew().call(() -> ValidationRun.<ValidationRun>list("datasetId in ?1", datasetIds).stream()
                .map(r -> r.datasetId).collect(Collectors.toSet()));
    }
}
