package dev.refinery.training.service;

import dev.refinery.kit.events.MalformedEventException;
import dev.refinery.training.events.DatasetValidated;
import dev.refinery.training.mapping.DatasetMapper;
import dev.refinery.training.repository.Dataset;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.regex.Pattern;

/** The datasets validation-service announced, as jobs need them: verdict, split keys and counts. */
@ApplicationScoped
public class DatasetReadModel {

    private static final Logger LOG = Logger.getLogger(DatasetReadModel.class);
    private static final Pattern ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final Set<String> STATUSES = Set.of("VALID", "INVALID");

    @Inject
    MeterRegistry registry;

    @Inject
    PipelineRuns pipelines;

    /**
     * Records a validation verdict in the caller's transaction. A verdict older than the one already
     * known (events of a re-validated dataset arriving out of order) is ignored.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void apply(DatasetValidated event) {
        if (event.datasetId() == null || !ID.matcher(event.datasetId()).matches()) {
            throw new MalformedEventException("dataset-validated without a valid datasetId: " + event.datasetId());
        }
        if (!STATUSES.contains(event.status())) {
            throw new MalformedEventException("dataset-validated " + event.datasetId() + " has status " + event.status()
                    + " (expected VALID or INVALID)");
        }
        Dataset existing = Dataset.findById(event.datasetId());
        if (existing != null && existing.validatedAt != null && event.validatedAt() != null
                && event.validatedAt().isBefore(existing.validatedAt)) {
            LOG.infof("dataset %s: ignoring a verdict from %s older than the known one from %s", event.datasetId(),
                    event.validatedAt(), existing.validatedAt);
            return;
        }
        Dataset d = existing != null ? existing : new Dataset();
        DatasetMapper.apply(event, d);
        if (existing == null) {
            d.persist();
        }
        pipelines.versionValidated(d);
        registry.counter("refinery_training_datasets_recorded_total", "status", d.status).increment();
        LOG.infof("dataset %s is %s (train %s records, validation %s)", d.id, d.status, d.trainRecords, d.validationRecords);
    }
}
