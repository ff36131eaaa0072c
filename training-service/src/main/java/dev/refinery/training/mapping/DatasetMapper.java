package dev.refinery.training.mapping;

import dev.refinery.identity.Tenants;
import dev.refinery.training.events.DatasetValidated;
import dev.refinery.training.repository.Dataset;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** dataset-validated payload into the read-model entity. */
public final class DatasetMapper {

    private DatasetMapper() {
    }

    public static void apply(DatasetValidated e, Dataset d) {
        d.id = e.datasetId();
        d.tenant = Tenants.ofEvent(e.tenant());
        d.status = e.status();
        d.records = e.records();
        d.validRecords = e.validRecords();
        d.bucket = e.bucket();
        DatasetValidated.Splits s = e.splits();
        DatasetValidated.Split train = s == null ? null : s.train();
        DatasetValidated.Split validation = s == null ? null : s.validation();
        DatasetValidated.Split test = s == null ? null : s.test();
        d.trainKey = train == null ? null : train.objectKey();
        d.trainRecords = train == null ? null : train.records();
        d.validationKey = validation == null ? null : validation.objectKey();
        d.validationRecords = validation == null ? null : validation.records();
        d.testKey = test == null ? null : test.objectKey();
        d.testRecords = test == null ? null : test.records();
        d.validatedAt = e.validatedAt();
        d.collectionId = e.collectionId();
        d.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
    }
}
