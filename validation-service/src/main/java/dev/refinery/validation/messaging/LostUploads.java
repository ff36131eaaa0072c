package dev.refinery.validation.messaging;

import dev.refinery.kit.reconcile.ReconciledWork;
import dev.refinery.validation.repository.ValidationRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Uploads whose dataset-uploaded never reached this service: every dataset ingest-service stored must have a validation
 * run here. The kit's reconciliation asks ingest-service ({@code refinery.reconcile.upstream-url}) to announce again each
 * dataset without one, and the announcement takes the consumer's one path.
 */
@ApplicationScoped
public class LostUploads implements ReconciledWork {

    @Override
    public String name() {
        return "uploads";
    }

    @Override
    public String collectionPath() {
        return "/datasets";
    }

    @Override
    public String timeField() {
        return "createdAt";
    }

    @Override
    public String filter() {
        return "";
    }

    @Override
    @Transactional
    public Set<String> known(Set<String> datasetIds) {
        return ValidationRun.<ValidationRun>list("datasetId in ?1", datasetIds).stream().map(r -> r.datasetId).collect(Collectors.toSet());
    }
}
