package dev.refinery.ingest.mapping;

import dev.refinery.ingest.events.DatasetUploaded;
import dev.refinery.ingest.repository.Dataset;
import dev.refinery.ingest.rest.DatasetView;

/** Entity to API view and entity to event payload: the three models stay apart. */
public final class DatasetMapper {

    private DatasetMapper() {
    }

    public static DatasetView toView(Dataset d) {
        return new DatasetView(d.id, d.name, d.objectKey, d.contentType, d.bytes, d.lines, d.sha256, d.createdAt);
    }

    public static DatasetUploaded toEvent(Dataset d) {
        return new DatasetUploaded(d.id, d.name, d.bucket, d.objectKey, d.bytes, d.lines, d.sha256, d.contentType, d.createdAt);
    }
}
