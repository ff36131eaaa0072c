package dev.refinery.training.service;

import dev.refinery.training.repository.Job;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Optional;

/** Reads a job by id, for the decisions that depend on another job (the one a second stage continues). */
@ApplicationScoped
public class JobLookup {

    @Transactional
    public Optional<Job> find(String id) {
        return Optional.ofNullable(Job.findById(id));
    }

    /** The tenant's job on {@code backend} that its provider knows as {@code providerJobId}. */
    @Transactional
    public Optional<Job> byProviderJob(String tenantId, String backend, String providerJobId) {
        return Job.find("tenantId = ?1 and backend = ?2 and providerJobId = ?3", tenantId, backend, providerJobId).firstResultOptional();
    }
}
