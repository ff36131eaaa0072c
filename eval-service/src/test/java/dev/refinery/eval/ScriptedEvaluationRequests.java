package dev.refinery.eval;

import dev.refinery.eval.events.JobCompleted;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.eval.service.EvaluationRequests;
import dev.refinery.testing.ScriptedFaults;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.Optional;

/** The consumer's effect with the faults a test scripts per job; the real effect for every other job. */
@Alternative
@Priority(1)
@ApplicationScoped
public class ScriptedEvaluationRequests extends EvaluationRequests {

    private final ScriptedFaults faults = new ScriptedFaults();

    /** A method, not the field: the test holds a client proxy, whose own fields are not the bean's. */
    ScriptedFaults faults() {
        return faults;
    }

    @Override
    public Optional<Evaluation> request(ModelVersion candidate, String sourceEventId, JobCompleted.Evaluation asked) {
        faults.before(candidate.jobId);
        return super.request(candidate, sourceEventId, asked);
    }
}
