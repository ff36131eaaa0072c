package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.mapping.HyperparameterJson;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static dev.refinery.training.service.Hyperparameters.*;

/**
 * A local job that continues an earlier local job's adapter ({@code fromJob}): DPO after SFT, or more SFT when new
 * data arrives. The engine trains that adapter further, so it keeps its shape: rank, alpha and target modules come
 * from the earlier job (source {@code fromJob}), and a request that asks for a different shape is refused.
 */
@ApplicationScoped
public class LocalSecondStage {

    private static final List<String> ADAPTER_SHAPE = List.of(LORA_RANK, LORA_ALPHA, LORA_TARGETS);

    /** The earlier job, checked: same tenant, local, SUCCEEDED with an adapter, and the base model asked for (null: any). */
    @Transactional
    public Job source(String fromJob, String tenantId, String baseModel) {
        Job source = Job.findById(fromJob);
        if (source == null || !Objects.equals(source.tenantId, tenantId)) {
            throw ApiException.badRequest("JOB_FROM_JOB_INVALID", "fromJob " + fromJob + " does not exist").with("field", "fromJob");
        }
        if (!source.isLocal()) {
            throw ApiException.badRequest("JOB_FROM_JOB_INVALID", "fromJob " + fromJob + " ran on " + source.backend
                    + "; a second stage runs on the same backend as its first").with("field", "fromJob");
        }
        if (!JobStatus.SUCCEEDED.name().equals(source.status) || source.adapterKey == null) {
            throw ApiException.conflict("JOB_FROM_JOB_INVALID", "fromJob " + fromJob + " is " + source.status
                    + ": only a SUCCEEDED job's adapter can be trained further").with("field", "fromJob").with("status", source.status);
        }
        if (baseModel != null && !source.baseModel.equals(baseModel)) {
            throw ApiException.badRequest("JOB_FROM_JOB_INVALID", "fromJob " + fromJob + " trained an adapter for " + source.baseModel
                    + ", not for " + baseModel + "; leave baseModel out or name the same model").with("field", "baseModel");
        }
        return source;
    }

    /**
     * The settings with the earlier adapter's shape in place of the defaults; a shape the user asked for that differs
     * from it is a violation (the adapter cannot change rank or modules while it trains).
     */
    public static HyperparameterValidator.Result adoptAdapterShape(Hyperparameters requested, Job source) {
        Hyperparameters earlier = HyperparameterJson.read(source.hyperparameters, source.hyperparameterSources);
        Map<String, Object> values = new LinkedHashMap<>(requested.values());
        Map<String, String> sources = new LinkedHashMap<>(requested.sources());
        List<HyperparameterValidator.Violation> violations = new ArrayList<>();
        for (String name : ADAPTER_SHAPE) {
            Object theirs = earlier.values().get(name);
            Object asked = USER.equals(requested.sources().get(name)) ? requested.values().get(name) : null;
            Optional<HyperparameterValidator.Violation> refused = AdapterShape.keep(name, asked, theirs, source.id);
            if (refused.isPresent()) {
                violations.add(refused.get());
                continue;
            }
            values.put(name, theirs);
            sources.put(name, FROM_JOB);
        }
        return violations.isEmpty() ? new HyperparameterValidator.Result(new Hyperparameters(values, sources), List.of())
                : new HyperparameterValidator.Result(null, violations);
    }
}
