package dev.refinery.validation.service;

/** The run this worker was validating was re-queued (its heartbeat looked stale) or finished by another worker. */
public class RunTakenOverException extends RuntimeException {

    public RunTakenOverException(Claim claim) {
        super("run " + claim.datasetId() + " attempt " + claim.attempt() + " is no longer held by this worker");
    }
}
