package dev.refinery.validation.service;

import dev.refinery.validation.events.DatasetUploaded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/** The effect of a dataset-uploaded event, in the consumer's transaction: the dataset's validation queued, started after commit. */
@ApplicationScoped
public class ValidationRequests {

    @Inject
    ValidationRuns runs;

    @Inject
    ValidationWorker worker;

    /** False when the dataset already has a run (nothing is queued). */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean request(DatasetUploaded event) {
        if (!runs.queue(event)) {
            return false;
        }
        worker.startAfterCommit(event.datasetId());
        return true;
    }
}
