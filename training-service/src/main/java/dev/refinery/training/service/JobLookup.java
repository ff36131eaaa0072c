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
}
