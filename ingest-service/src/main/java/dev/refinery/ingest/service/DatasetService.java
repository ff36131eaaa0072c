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
     * Stores an upload and announces it. The check options are refused (400, naming the field) before a
     * byte of the body is read; a repeat with a known Idempotency-Key answers the earlier dataset.
     */
    public Upload upload(String name, String contentType, String idempotencyKey, CheckRequest checks, InputStream body) {
        if (idempotencyKey != null) {
            Optional<Dataset> existing = findByIdempotencyKey(idempotencyKey);
            if (existing.isPresent()) {
                return new Upload(existing.get(), false);
            }
        }
        String datasetName = name == null || name.isBlank() ? "dataset" : name.strip();
        if (datasetName.length() > 200) {
            throw ApiException.badRequest("DATASET_NAME_INVALID", "the dataset name may have at most 200 characters")
                    .with("field", "name");
        }
        CheckChoices choices = checkChoices.parse(checks);
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
                count("too_large");
                throw new ApiException(413, "DATASET_TOO_LARGE", "Payload too large",
                        "the upload is larger than the limit of " + tooLarge.limit + " bytes; nothing was stored")
                        .with("limitBytes", tooLarge.limit);
            }
            if (cause(e, java.io.IOException.class) != null) {
                count("incomplete");
                throw ApiException.badRequest("UPLOAD_INCOMPLETE", "the upload was interrupted after " + metered.bytes()
                        + " bytes; nothing was stored. Send it again (with the same Idempotency-Key if you used one)");
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
        d.name = datasetName;
        d.bucket = storage.bucket();
        d.objectKey = key;
        d.contentType = contentType;
        d.bytes = metered.bytes();
        d.lines = metered.lines();
        d.sha256 = metered.sha256Hex();
        d.idempotencyKey = idempotencyKey;
        d.checks = DatasetMapper.checksColumn(choices);
        d.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS); // as stored: the event says what the API says
        try {
            record(d);
        } catch (RuntimeException e) {
            discard(key);
            if (idempotencyKey != null) {
                // A concurrent request with the same key won the race: answer with its dataset.
                Optional<Dataset> winner = findByIdempotencyKey(idempotencyKey);
                if (winner.isPresent()) {
                    return new Upload(winner.get(), false);
                }
            }
            throw e;
        }
        timer.stop(registry.timer("refinery_ingest_upload_seconds"));
        registry.summary("refinery_ingest_upload_bytes").record(d.bytes);
        count("stored");
        LOG.infof("dataset %s stored: %d bytes, %d lines, sha256 %s", d.id, d.bytes, d.lines, d.sha256);
        return new Upload(d, true);
    }

    static String newId() {
        return "ds-" + UUID.randomUUID().toString().replace("-", "");
    }

    static String rawKey(String id, String datasetName) {
        return "datasets/" + id + "/raw/" + SAFE_NAME.matcher(datasetName).replaceAll("_") + ".jsonl";
    }

    /** Stores the dataset row and its dataset-uploaded event in one transaction. */
    @Transactional
    void record(Dataset d) {
        d.persist();
        outbox.publish(DatasetUploaded.TOPIC, d.id, DatasetMapper.toEvent(d));
    }

    @Transactional
    Optional<Dataset> findByIdempotencyKey(String key) {
        return Dataset.byIdempotencyKey(key);
    }

    @Transactional
    public Dataset get(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("DATASET_ID_INVALID", "'" + id + "' is not a dataset id (ds- followed by 32 hex digits)")
                    .with("field", "id");
        }
        Dataset d = Dataset.findById(id);
        if (d == null) {
            throw ApiException.notFound("DATASET_NOT_FOUND", "no dataset " + id);
        }
        return d;
    }

    /** The newest datasets, or (with a window) those created in it, oldest first. */
    @Transactional
    public List<Dataset> list(AnnouncedWindow window, int limit) {
        if (!window.isSet()) {
            return Dataset.find("order by createdAt desc").page(0, limit).list();
        }
        return Dataset.find("createdAt >= ?1 and createdAt < ?2 order by createdAt, id", window.from(), window.to()).page(0, limit).list();
    }

    /** Publishes the dataset's dataset-uploaded again (a new event id, the same content), for a consumer that never got it. */
    @Transactional
    public AnnouncementView announceAgain(String id) {
        Dataset d = get(id);
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
