package dev.refinery.ingest.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.ingest.events.DatasetUploaded;
import dev.refinery.ingest.repository.Dataset;
import dev.refinery.ingest.rest.DatasetView;
import dev.refinery.ingest.service.CheckChoices;

/** Entity to API view and entity to event payload: the three models stay apart. */
public final class DatasetMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetMapper() {
    }

    public static DatasetView toView(Dataset d) {
        CheckChoices c = checks(d);
        DatasetView.ChecksView checks = c == null ? null : new DatasetView.ChecksView(c.target(), c.model(), c.splits(), c.dedup(),
                c.overContext(), c.epochs(), c.evaluations(), c.testSet() == null ? null : c.testSet().datasetId());
        return new DatasetView(d.id, d.name, d.objectKey, d.contentType, d.bytes, d.lines, d.sha256, d.createdAt, checks, d.parentDatasetId);
    }

    public static DatasetUploaded toEvent(Dataset d) {
        CheckChoices c = checks(d);
        DatasetUploaded.Checks checks = c == null ? null : new DatasetUploaded.Checks(c.target(), c.model(), c.splits(), c.dedup(),
                c.overContext(), c.epochs(), c.evaluations(),
                c.testSet() == null ? null : new DatasetUploaded.TestSet(c.testSet().datasetId(), c.testSet().bucket(), c.testSet().objectKey()));
        return new DatasetUploaded(d.tenant, d.id, d.name, d.bucket, d.objectKey, d.bytes, d.lines, d.sha256, d.contentType, d.createdAt, checks,
                d.parentDatasetId, d.collectionId);
    }

    /** The stored form of check options: JSON, or null when none were given. */
    public static String checksColumn(CheckChoices checks) {
        if (checks == null || checks.nothingChosen()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(checks);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("check options could not be written as JSON", e);
        }
    }

    public static CheckChoices checks(Dataset d) {
        if (d.checks == null) {
            return null;
        }
        try {
            return JSON.readValue(d.checks, CheckChoices.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dataset " + d.id + " has unreadable check options", e);
        }
    }
}
