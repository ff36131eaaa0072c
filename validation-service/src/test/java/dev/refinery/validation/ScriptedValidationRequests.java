package dev.refinery.validation;

import dev.refinery.validation.events.DatasetUploaded;
import dev.refinery.validation.service.ValidationRequests;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer's effect with faults a test scripts per dataset: the database away for the first n tries, or a bug that
 * refuses the event until it is "fixed". Datasets no test scripted get the real effect.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class ScriptedValidationRequests extends ValidationRequests {

    private final Map<String, AtomicInteger> transientFailuresLeft = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public boolean request(DatasetUploaded event) {
        String id = event.datasetId();
        calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        AtomicInteger left = transientFailuresLeft.get(id);
        if (left != null && left.getAndDecrement() > 0) {
            throw new IllegalStateException("cannot queue " + id, new SQLTransientConnectionException("the database is away (scripted)", "08006"));
        }
        if (refused.contains(id)) {
            throw new IllegalStateException("cannot queue " + id + ": a bug refuses it (scripted, until fixed)");
        }
        return super.request(event);
    }

    void failTransiently(String datasetId, int times) {
        transientFailuresLeft.put(datasetId, new AtomicInteger(times));
    }

    void refuse(String datasetId) {
        refused.add(datasetId);
    }

    void fix(String datasetId) {
        refused.remove(datasetId);
    }

    int calls(String datasetId) {
        AtomicInteger n = calls.get(datasetId);
        return n == null ? 0 : n.get();
    }
}
