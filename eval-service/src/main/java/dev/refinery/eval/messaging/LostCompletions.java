package dev.refinery.eval.messaging;

import dev.refinery.eval.repository.Evaluation;
import dev.refinery.kit.reconcile.ReconciledWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finished jobs whose job-completed never reached this service: every SUCCEEDED job with an adapter or a whole model in
 * our bucket must have an evaluation here (models a provider keeps are not evaluated, so they are not asked for). The
 * kit's reconciliation asks training-service ({@code refinery.reconcile.upstream-url}) to announce again each such job
 * without one, and the announcement takes the consumer's one path.
 */
@ApplicationScoped
public class LostCompletions implements ReconciledWork {

    @Override
    public String name() {
        return "finished jobs";
    }

    @Override
    public String collectionPath() {
        return "/jobs";
    }

    @Override
    public String timeField() {
        return "finishedAt";
    }

    @Override
    public String filter() {
        return "status=SUCCEEDED&artifactType=lora-adapter,full-model";
    }

    @Override
    @Transactional
    public Set<String> known(Set<String> jobIds) {
        return Evaluation.<Evaluation>list("jobId in ?1", jobIds).stream().map(e -> e.jobId).collect(Collectors.toSet());
    }
}
