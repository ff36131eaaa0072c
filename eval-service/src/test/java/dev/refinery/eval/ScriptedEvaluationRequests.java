package dev.refinery.eval;

import dev.refinery.eval.events.JobCompleted;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.service.EvaluationRequests;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer's effect with faults a test scripts per job: the database away for the first n tries, or a bug that refuses
 * the event until it is "fixed". Jobs no test scripted get the real effect.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class ScriptedEvaluationRequests extends EvaluationRequests {

    private final Map<String, AtomicInteger> transientFailuresLeft = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public Optional<Evaluation> request(JobCompleted job, Candidate candidate, String sourceEventId) {
        String id = job.jobId();
        calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        AtomicInteger left = transientFailuresLeft.get(id);
        if (left != null && left.getAndDecrement() > 0) {
            throw new IllegalStateException("cannot record an evaluation of " + id,
                    new SQLTransientConnectionException("the database is away (scripted)", "08006"));
        }
        if (refused.contains(id)) {
            throw new IllegalStateException("cannot record an evaluation of " + id + ": a bug refuses it (scripted, until fixed)");
        }
        return super.request(job, candidate, sourceEventId);
    }

    void failTransiently(String jobId, int times) {
        transientFailuresLeft.put(jobId, new AtomicInteger(times));
    }

    void refuse(String jobId) {
        refused.add(jobId);
    }

    void fix(String jobId) {
        refused.remove(jobId);
    }

    int calls(String jobId) {
        AtomicInteger n = calls.get(jobId);
        return n == null ? 0 : n.get();
    }
}
