package dev.refinery.ingest.service;

import dev.refinery.ingest.config.IngestConfig;
import dev.refinery.ingest.events.DatasetUploaded;
import dev.refinery.ingest.mapping.DatasetMapper;
import dev.refinery.ingest.repository.Dataset;
import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.reconcile.AnnouncedWindow;
import dev.refinery.kit.reconcile.AnnouncementView;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.StorageException;
import io.quarkus.panache.common.Parameters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Uploads: the body streams to object storage through {@link MeteredUpload} (sha256, bytes, lines on
 * the way), then the dataset row and its {@code dataset-uploaded} event are written in one
 * transaction. An upload that fails midway leaves no row, no event and no object.
 */
@ApplicationScoped
public class DatasetService {

    private static final Logger LOG = Logger.getLogger(DatasetService.class);
    private static final Pattern ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final Pattern SAFE_NAME = Pattern.compile("[^A-Za-z0-9._-]");

    @Inject
    ObjectStorage storage;

    @Inject
    Outbox outbox;

    @Inject
    IngestConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    CheckChoicesParser checkChoices;

    /** The result of an upload: the dataset, and whether this call created it (false for an idempotent repeat). */
    public record Upload(Dataset dataset, boolean created) {
    }

    /**
     * Stores an upload for {@code tenant} and announces it. The check options are refused (400, naming the field) before a
     * byte of the body is read. A key the tenant used before answers its earlier dataset when this is the same request
     * ({@link UploadRequest}); with another request it is refused (422) and nothing is stored.
     */
    public Upload upload(String tenant, String name, String contentType, String idempotencyKey, CheckRequest checks, InputStream body) {
        String datasetName = name == null || name.isBlank() ? "dataset" : name.strip();
        if (datasetName.length() > 200) {
            throw ApiException.badRequest("DATASET_NAME_INVALID", "the dataset name may have at most 200 characters")
                    .with("field", "name");
        }
        if (idempotencyKey != null && idempotencyKey.length() > 200) {
            throw ApiException.badRequest("IDEMPOTENCY_KEY_INVALID", "an Idempotency-Key may have at most 200 characters")
                    .with("field", "Idempotency-Key");
        }
        String checksColumn = DatasetMapper.checksColumn(checkChoices.parse(tenant, checks));
        if (idempotencyKey != null) {
            Optional<Dataset> earlier = findByIdempotencyKey(tenant, idempotencyKey);
            if (earlier.isPresent()) {
                return repeatOf(earlier.get(), new UploadRequest(datasetName, checksColumn, sha256Of(body)));
            }
        }
        String id = newId();
        String key = rawKey(id, datasetName);
        Timer.Sample timer = Timer.start(registry);
        MeteredUpload metered = new MeteredUpload(body, config.maxUploadBytes());
        try {
            storage.put(key, metered, contentType == null ? "application/octet-stream" : contentType);
        } catch (StorageException e) {
            discard(key);
            MeteredUpload.UploadTooLargeException tooLarge = cause(e, MeteredUpload.UploadTooLargeException.class);
            if (tooLarge != null) {
                throw tooLarge(tooLarge);
            }
            if (cause(e, java.io.IOException.class) != null) {
                throw incomplete(metered);
            }
            count("storage_error");
            throw new ApiException(503, "STORAGE_UNAVAILABLE", "Service unavailable", "object storage did not accept the upload: "
                    + e.getMessage());
        }
        if (metered.bytes() == 0) {
            discard(key);
            count("empty");
            throw ApiException.badRequest("DATASET_EMPTY", "the upload is empty: send JSONL, one JSON object per line");
        }
        Dataset d = new Dataset();
        d.id = id;
        d.tenant = tenant;
        d.name = datasetName;
        d.bucket = storage.bucket();
        d.objectKey = key;
        d.contentType = contentType;
        d.bytes = metered.bytes();
        d.lines = metered.lines();
        d.sha256 = metered.sha256Hex();
        d.idempotencyKey = idempotencyKey;
        d.checks = checksColumn;
        d.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS); // as stored: the event says what the API says
        try {
            record(d);
        } catch (RuntimeException e) {
            discard(key);
            if (idempotencyKey != null) {
                // A concurrent request of the same tenant with the same key won the race: the same request gets its dataset.
                Optional<Dataset> winner = findByIdempotencyKey(tenant, idempotencyKey);
                if (winner.isPresent()) {
                    return repeatOf(winner.get(), UploadRequest.of(d));
                }
            }
            throw e;
        }
        timer.stop(registry.timer("refinery_ingest_upload_seconds"));
        registry.summary("refinery_ingest_upload_bytes").record(d.bytes);
        count("stored");
        LOG.infof("dataset %s stored for tenant %s: %d bytes, %d lines, sha256 %s", d.id, d.tenant, d.bytes, d.lines, d.sha256);
        return new Upload(d, true);
    }

    /**
     * A repeat of a key: the earlier dataset when the request is the same, else 422. The answer says nothing of the earlier
     * request (not its dataset, not what differs), so a key cannot be used to learn about another upload.
     */
    private Upload repeatOf(Dataset earlier, UploadRequest request) {
        if (!UploadRequest.of(earlier).sameAs(request)) {
            count("key_reused");
            throw ApiException.unprocessable("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was already used for another request "
                    + "(another file, name or check options); send a new request with a new key").with("field", "Idempotency-Key");
        }
        count("repeated");
        return new Upload(earlier, false);
    }

    /** The body's sha256, read through and not stored: a repeated key is compared with the request it was first used for. */
    private String sha256Of(InputStream body) {
        MeteredUpload metered = new MeteredUpload(body, config.maxUploadBytes());
        try {
            metered.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (MeteredUpload.UploadTooLargeException e) {
            throw tooLarge(e);
        } catch (java.io.IOException e) {
            throw incomplete(metered);
        }
        return metered.sha256Hex();
    }

    private ApiException tooLarge(MeteredUpload.UploadTooLargeException e) {
        count("too_large");
        return new ApiException(413, "DATASET_TOO_LARGE", "Payload too large",
                "the upload is larger than the limit of " + e.limit + " bytes; nothing was stored")
                .with("limitBytes", e.limit);
    }

    private ApiException incomplete(MeteredUpload metered) {
        count("incomplete");
        return ApiException.badRequest("UPLOAD_INCOMPLETE", "the upload was interrupted after " + metered.bytes()
                + " bytes; nothing was stored. Send it again (with the same Idempotency-Key if you used one)");
    }

    static String newId() {
        return "ds-" + UUID.randomUUID().toString().replace("-", "");
    }

    static String rawKey(String id, String datasetName) {
        return "datasets/" + id + "/raw/" + SAFE_NAME.matcher(datasetName).replaceAll("_") + ".jsonl";
    }

    /** A JSONL dataset this service wrote itself (a clean subset, a collection's version) at {@code key}, as {@code metered} counted it. */
    static Dataset written(String id, String tenant, String name, String key, String bucket, MeteredUpload metered) {
        Dataset d = new Dataset();
        d.id = id;
        d.tenant = tenant;
        d.name = name;
        d.bucket = bucket;
        d.objectKey = key;
        d.contentType = "application/x-ndjson";
        d.bytes = metered.bytes();
        d.lines = metered.lines();
        d.sha256 = metered.sha256Hex();
        return d;
    }

    /** Stores the dataset row and its dataset-uploaded event in one transaction. */
    @Transactional
    void record(Dataset d) {
        d.persist();
        outbox.publish(DatasetUploaded.TOPIC, d.id, DatasetMapper.toEvent(d));
    }

    @Transactional
    Optional<Dataset> findByIdempotencyKey(String tenant, String key) {
        return Dataset.byIdempotencyKey(tenant, key);
    }

    /**
     * The dataset {@code id} as {@code tenant} may see it (empty: one of Refinery's services, which sees all). Another
     * tenant's dataset is 404 with the very answer of an id that does not exist, so ids cannot be probed.
     */
    @Transactional
    public Dataset get(Optional<String> tenant, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("DATASET_ID_INVALID", "'" + id + "' is not a dataset id (ds- followed by 32 hex digits)")
                    .with("field", "id");
        }
        return Dataset.visibleTo(tenant, id).orElseThrow(() -> ApiException.notFound("DATASET_NOT_FOUND", "no dataset " + id));
    }

    /** The tenant's newest datasets, or (with a window) those created in it, oldest first; every tenant's for a service. */
    @Transactional
    public List<Dataset> list(Optional<String> tenant, AnnouncedWindow window, int limit) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        tenant.ifPresent(t -> {
            where.add("tenant = :tenant");
            params.and("tenant", t);
        });
        if (window.isSet()) {
            where.add("createdAt >= :from and createdAt < :to");
            params.and("from", window.from()).and("to", window.to());
        }
        String order = window.isSet() ? "order by createdAt, id" : "order by createdAt desc";
        String query = where.isEmpty() ? order : String.join(" and ", where) + " " + order;
        return Dataset.find(query, params).page(0, limit).list();
    }

    /**
     * Publishes the dataset's dataset-uploaded again (a new event id, the same content), for a consumer that never got it.
     * Only Refinery's services call this (the resource checks), so any tenant's dataset can be announced.
     */
    @Transactional
    public AnnouncementView announceAgain(String id) {
        Dataset d = get(Optional.empty(), id);
        outbox.publish(DatasetUploaded.TOPIC, d.id, DatasetMapper.toEvent(d));
        LOG.infof("dataset %s announced again on %s", d.id, DatasetUploaded.TOPIC);
        return new AnnouncementView(d.id, DatasetUploaded.TOPIC);
    }

    void discard(String key) {
        try {
            if (storage.exists(key)) {
                storage.delete(key);
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not remove partial upload %s: %s", key, e.getMessage());
        }
    }

    private void count(String outcome) {
        registry.counter("refinery_ingest_uploads_total", "outcome", outcome).increment();
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
