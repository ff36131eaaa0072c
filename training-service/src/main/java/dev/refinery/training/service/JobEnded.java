package dev.refinery.training.service;

import dev.refinery.training.repository.Job;

/**
 * A job just reached SUCCEEDED, FAILED or CANCELLED: fired in the transaction that records it (with its job-completed), so
 * that whoever follows the job (a pipeline's run) moves on in the same commit or not at all.
 */
public record JobEnded(Job job) {
}
