package dev.refinery.engine.serve;

import java.util.concurrent.CompletableFuture;

/** A submitted request: its result to come, and how to cancel it when the client goes away. */
public interface RequestHandle {

    long id();

    /**
     * Stops the request: a queued one leaves the queue now, a running one leaves its slot at the next step. Its
     * result then finishes CANCELLED with the tokens made so far. Does nothing once the request has finished.
     */
    void cancel();

    /** Completes when the request finishes (also when cancelled); fails only if the engine itself failed. */
    CompletableFuture<ServingResult> result();
}
