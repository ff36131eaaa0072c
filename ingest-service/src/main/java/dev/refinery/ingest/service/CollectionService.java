package dev.refinery.ingest.service;

import dev.refinery.ingest.config.IngestConfig;
import dev.refinery.ingest.mapping.DatasetMapper;
import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.CollectionRejection;
import dev.refinery.ingest.repository.ExampleLedger;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Collections: created by a tenant with the check options its examples are validated with (the options of an upload,
 * checked by the same {@link CheckChoicesParser}), read back with their counts and rejection log. Another tenant's
 * collection is 404 COLLECTION_NOT_FOUND, the answer for an id nobody has.
 */
@ApplicationScoped
public class CollectionService {

    private static final Pattern ID = Pattern.compile("^col-[0-9a-f]{32}$");

    @Inject
    CheckChoicesParser checkChoices;

    @Inject
    ExampleLedger ledger;

    @Inject
    IngestConfig config;

    /** A collection with its counts, read in one transaction. */
    public record Counted(Collection collection, ExampleLedger.Counts counts) {
    }

    @Transactional
    public Counted create(String tenant, String name, CheckRequest checks, CollectionOptions options) {
        if (name == null || name.isBlank() || name.strip().length() > 200) {
            throw ApiException.badRequest("COLLECTION_NAME_INVALID", "a collection needs a name of 1 to 200 characters").with("field", "name");
        }
        Collection c = new Collection();
        c.id = "col-" + UUID.randomUUID().toString().replace("-", "");
        c.tenant = tenant;
        c.name = name.strip();
        c.checks = DatasetMapper.checksColumn(checkChoices.parse(tenant, checks));
        c.sealEvery = options.sealEveryValue();
        c.sealAfterSeconds = options.sealAfterSeconds(config.sealAfterMinimum());
        c.producerRate = options.producerRateValue();
        c.producerBurst = options.producerBurstValue();
        c.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        c.persist();
        return new Counted(c, new ExampleLedger.Counts(0, 0, 0));
    }

    @Transactional
    public Counted get(String tenant, String id) {
        Collection c = require(tenant, id);
        return new Counted(c, ledger.counts(c.id));
    }

    @Transactional
    public List<Counted> list(String tenant, int limit) {
        return Collection.newestOf(tenant, limit).stream().map(c -> new Counted(c, ledger.counts(c.id))).toList();
    }

    /** The collection's rejection log, newest first, {@code limit} at a time (the next page: {@code before} = the last id). */
    @Transactional
    public List<CollectionRejection> rejections(String tenant, String id, Long before, int limit) {
        return CollectionRejection.newest(require(tenant, id).id, before, limit);
    }

    /** The tenant's collection {@code id}: 400 for a malformed id, 404 for an unknown one or another tenant's. */
    @Transactional
    public Collection require(String tenant, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("COLLECTION_ID_INVALID", "'" + id + "' is not a collection id (col- followed by 32 hex digits)")
                    .with("field", "id");
        }
        return Collection.ownedBy(tenant, id).orElseThrow(() -> ApiException.notFound(ExampleIntake.COLLECTION_NOT_FOUND, "no collection " + id));
    }
}
