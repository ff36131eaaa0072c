package dev.refinery.providers.openai;

import dev.refinery.catalog.TrainingType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.providers.http.ContentSlice;
import dev.refinery.providers.http.LenientJson;
import dev.refinery.providers.http.MultipartBody;
import dev.refinery.providers.http.OutgoingRequest;
import dev.refinery.providers.http.ProviderHttp;
import dev.refinery.providers.http.RetryMode;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spec.ValueSource;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * OpenAI fine-tuning (reference providers.md §2), kept as a legacy backend: OpenAI accepts no new jobs after
 * 2027-01-06, and {@link #create} refuses them from then on, while jobs already running can still be followed.
 */
public final class OpenAiBackend implements TrainingBackend {

    static final String IDEMPOTENCY_METADATA = "refinery_idempotency_key";
    /** What this backend can do (the same for every key). */
    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .methods(TrainingMethod.SFT, TrainingMethod.DPO)
            .trainingTypes(TrainingType.MANAGED)
            .secondStage(Capabilities.SecondStage.AS_BASE_MODEL)
            .pauseResume()
            .costSource("reported price")
            .settings(SpecField.TRAINING_TYPE, SpecField.EPOCHS, SpecField.BATCH_SIZE, SpecField.SEED, SpecField.SUFFIX, SpecField.DPO_BETA,
                    SpecField.DPO_VARIANT)
            .build();
    private static final int PAGE = 100;
    private static final int MAX_PAGES = 200;

    private final ProviderHttp http;
    private final OpenAiConfig config;

    public OpenAiBackend(OpenAiConfig config) {
        this.config = config;
        this.http = new ProviderHttp(OpenAiReader.PROVIDER, config.transport(), config.apiKey());
    }

    @Override
    public String name() {
        return OpenAiReader.PROVIDER;
    }

    public ProviderHttp http() {
        return http;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /** OpenAI's defaults are "auto": chosen server-side per dataset, so nothing numeric to record. */
    @Override
    public ProviderDefaults providerDefaults() {
        return (model, method, type, set) -> method == TrainingMethod.DPO
                ? SpecValues.EMPTY.with(SpecField.DPO_VARIANT, DpoVariant.STANDARD) : SpecValues.EMPTY;
    }

    /** {@code POST /files} up to 512 MB; above that the Uploads API in 64 MB parts. JSONL only. */
    @Override
    public UploadedFile upload(DatasetFile file) {
        if (file.format() != DatasetFormat.JSONL) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_UNSUPPORTED, "openai fine-tuning takes .jsonl files only, not " + file.format());
        }
        JsonNode result;
        if (file.sizeBytes() <= config.directUploadLimit()) {
            MultipartBody form = new MultipartBody().field("purpose", "fine-tune")
                    .file("file", file.fileName(), "application/jsonl", file.content(), file.sizeBytes());
            result = http.json(OutgoingRequest.postMultipart("/files", form, RetryMode.SAFE));
        } else {
            result = LenientJson.field(uploadInParts(file), "file");
        }
        String id = LenientJson.text(result, "id");
        if (id == null) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE, "openai: upload answered without a file id", 200, null, null, null);
        }
        Long bytes = LenientJson.longValue(result, "bytes");
        return new UploadedFile(name(), id, file.fileName(), bytes == null ? file.sizeBytes() : bytes);
    }

    private JsonNode uploadInParts(DatasetFile file) {
        ObjectNode start = LenientJson.MAPPER.createObjectNode().put("filename", file.fileName()).put("purpose", "fine-tune")
                .put("bytes", file.sizeBytes()).put("mime_type", "application/jsonl");
        String uploadId = LenientJson.text(http.json(OutgoingRequest.postJson("/uploads", start, RetryMode.SAFE)), "id");
        ObjectNode complete = LenientJson.MAPPER.createObjectNode();
        ArrayNode partIds = complete.putArray("part_ids");
        for (long offset = 0; offset < file.sizeBytes(); offset += config.partSize()) {
            ContentSlice slice = new ContentSlice(file.content(), offset, Math.min(config.partSize(), file.sizeBytes() - offset));
            MultipartBody part = new MultipartBody().file("data", file.fileName(), "application/octet-stream", slice::open, slice.length());
            partIds.add(LenientJson.text(http.json(OutgoingRequest.postMultipart("/uploads/" + uploadId + "/parts", part, RetryMode.SAFE)), "id"));
        }
        return http.json(OutgoingRequest.postJson("/uploads/" + uploadId + "/complete", complete, RetryMode.SAFE));
    }

    @Override
    public ProviderJob create(EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull, String idempotencyKey) {
        if (!http.settings().clock().instant().isBefore(config.newJobsCutoff())) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_RETIRED,
                    "OpenAI stopped accepting new fine-tuning jobs on " + config.newJobsCutoff().toString().substring(0, 10)
                            + "; run this spec on Together AI, Fireworks AI, the Kubernetes GPU worker or the local engine instead");
        }
        CAPABILITIES.refuseUnsupported(name(), spec);
        refuseInexpressible(spec);
        ProviderJob existing = findByIdempotencyKey(idempotencyKey);
        if (existing != null) {
            return existing;
        }
        ObjectNode body = LenientJson.MAPPER.createObjectNode();
        body.put("model", spec.baseModel());
        body.put("training_file", training.id());
        if (validationOrNull != null) {
            body.put("validation_file", validationOrNull.id());
        }
        spec.value(SpecField.SUFFIX).ifPresent(s -> body.put("suffix", s));
        spec.value(SpecField.SEED).ifPresent(s -> body.put("seed", s));
        body.putObject("metadata").put(IDEMPOTENCY_METADATA, idempotencyKey);
        ObjectNode method = body.putObject("method");
        String type = spec.method() == TrainingMethod.DPO ? "dpo" : "supervised";
        method.put("type", type);
        ObjectNode hp = method.putObject(type).putObject("hyperparameters");
        putAutoOr(hp, "n_epochs", spec.value(SpecField.EPOCHS).orElse(null));
        putAutoOr(hp, "batch_size", spec.value(SpecField.BATCH_SIZE).map(BatchSize::examples).orElse(null));
        hp.put("learning_rate_multiplier", "auto");
        if (spec.method() == TrainingMethod.DPO) {
            putAutoOr(hp, "beta", spec.value(SpecField.DPO_BETA).orElse(null));
        }
        return readJob(http.json(OutgoingRequest.postJson("/fine_tuning/jobs", body, RetryMode.ONLY_IF_NOT_PROCESSED)));
    }

    private void refuseInexpressible(EffectiveSpec spec) {
        if (spec.source(SpecField.BATCH_SIZE).orElse(null) == ValueSource.USER && spec.valueOr(SpecField.BATCH_SIZE, BatchSize.MAX).isMax()) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_UNSUPPORTED, "openai has no \"max\" batch size; give a number or leave it unset (auto)",
                    0, null, "batchSize", null);
        }
        if (spec.valueOr(SpecField.DPO_VARIANT, DpoVariant.STANDARD) != DpoVariant.STANDARD) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_UNSUPPORTED, "openai offers standard DPO only", 0, null, "dpoVariant", null);
        }
    }

    private static void putAutoOr(ObjectNode hp, String name, Number value) {
        if (value == null) {
            hp.put(name, "auto");
        } else if (value instanceof Double d) {
            hp.put(name, d);
        } else {
            hp.put(name, value.longValue());
        }
    }

    /** A job created earlier for the same submission, found through the metadata filter OpenAI documents. */
    private ProviderJob findByIdempotencyKey(String key) {
        String q = "/fine_tuning/jobs?limit=1&" + encode("metadata[" + IDEMPOTENCY_METADATA + "]") + "=" + encode(key);
        JsonNode data = LenientJson.field(http.json(OutgoingRequest.get(q)), "data");
        return data != null && data.isArray() && data.size() > 0 ? readJob(data.get(0)) : null;
    }

    @Override
    public ProviderJob get(String id) {
        return readJob(http.json(OutgoingRequest.get("/fine_tuning/jobs/" + encode(id))));
    }

    /**
     * OpenAI lists events newest first and pages towards older ones with {@code after}; we page until we reach
     * the cursor (the newest event already seen) and return what is newer, oldest first.
     */
    @Override
    public Page<ProviderEvent> events(String id, String cursorOrNull) {
        List<ProviderEvent> newestFirst = new ArrayList<>();
        boolean reachedCursor = false;
        String after = null;
        for (int page = 0; page < MAX_PAGES && !reachedCursor; page++) {
            JsonNode response = http.json(OutgoingRequest.get("/fine_tuning/jobs/" + encode(id) + "/events?limit=" + PAGE
                    + (after == null ? "" : "&after=" + encode(after))));
            JsonNode data = LenientJson.field(response, "data");
            if (data == null || !data.isArray() || data.isEmpty()) {
                break;
            }
            for (JsonNode e : data) {
                ProviderEvent event = OpenAiReader.event(e);
                if (cursorOrNull != null && cursorOrNull.equals(event.id())) {
                    reachedCursor = true;
                    break;
                }
                newestFirst.add(event);
                after = event.id();
            }
            if (!hasMore(response)) {
                break;
            }
        }
        String next = newestFirst.isEmpty() ? cursorOrNull : newestFirst.get(0).id();
        Collections.reverse(newestFirst);
        return new Page<>(newestFirst, next, false);
    }

    /** OpenAI reports metrics as events of type "metrics"; the learning rate is not among them. */
    @Override
    public List<MetricPoint> metrics(String id) {
        List<MetricPoint> points = new ArrayList<>(allPages("/fine_tuning/jobs/" + encode(id) + "/events", OpenAiReader::metric));
        points.removeIf(java.util.Objects::isNull);
        points.sort(Comparator.comparingLong(MetricPoint::step));
        return points;
    }

    @Override
    public List<ProviderCheckpoint> checkpoints(String id) {
        List<ProviderCheckpoint> all = allPages("/fine_tuning/jobs/" + encode(id) + "/checkpoints", OpenAiReader::checkpoint);
        all.sort(Comparator.comparing(c -> c.step() == null ? Long.MAX_VALUE : c.step()));
        return all;
    }

    private <T> List<T> allPages(String path, Function<JsonNode, T> read) {
        List<T> out = new ArrayList<>();
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonNode response = http.json(OutgoingRequest.get(path + "?limit=" + PAGE + (after == null ? "" : "&after=" + encode(after))));
            JsonNode data = LenientJson.field(response, "data");
            if (data == null || !data.isArray() || data.isEmpty()) {
                break;
            }
            data.forEach(n -> out.add(read.apply(n)));
            after = LenientJson.text(data.get(data.size() - 1), "id");
            if (!hasMore(response) || after == null) {
                break;
            }
        }
        return out;
    }

    @Override
    public ProviderJob cancel(String id) {
        return readJob(http.json(OutgoingRequest.postEmpty("/fine_tuning/jobs/" + encode(id) + "/cancel", RetryMode.SAFE)));
    }

    @Override
    public ProviderJob pause(String id) {
        return readJob(http.json(OutgoingRequest.postEmpty("/fine_tuning/jobs/" + encode(id) + "/pause", RetryMode.SAFE)));
    }

    @Override
    public ProviderJob resume(String id) {
        return readJob(http.json(OutgoingRequest.postEmpty("/fine_tuning/jobs/" + encode(id) + "/resume", RetryMode.SAFE)));
    }

    /**
     * OpenAI documents no idempotency header; {@link #create} already finds a job by its metadata key, and this finds
     * one by the file it trains on (uploaded per submission), newest first, page by page with {@code after}.
     */
    @Override
    public Optional<ProviderJob> findSubmitted(UploadedFile training) {
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonNode response = http.json(OutgoingRequest.get("/fine_tuning/jobs?limit=" + PAGE + (after == null ? "" : "&after=" + encode(after))));
            JsonNode data = LenientJson.field(response, "data");
            if (data == null || !data.isArray() || data.isEmpty()) {
                break;
            }
            for (JsonNode j : data) {
                if (training.id().equals(LenientJson.text(j, "training_file"))) {
                    return Optional.of(readJob(j));
                }
            }
            after = LenientJson.text(data.get(data.size() - 1), "id");
            if (!hasMore(response) || after == null) {
                break;
            }
        }
        return Optional.empty();
    }

    @Override
    public Page<ProviderJob> list(String cursorOrNull) {
        JsonNode response = http.json(OutgoingRequest.get("/fine_tuning/jobs?limit=20" + (cursorOrNull == null ? "" : "&after=" + encode(cursorOrNull))));
        JsonNode data = LenientJson.field(response, "data");
        List<ProviderJob> jobs = new ArrayList<>();
        if (data != null && data.isArray()) {
            data.forEach(j -> jobs.add(OpenAiReader.job(j)));
        }
        boolean more = hasMore(response) && !jobs.isEmpty();
        return new Page<>(jobs, more ? jobs.get(jobs.size() - 1).id() : null, more);
    }

    private static boolean hasMore(JsonNode response) {
        JsonNode more = LenientJson.field(response, "has_more");
        return more != null && more.asBoolean();
    }

    private ProviderJob readJob(JsonNode node) {
        ProviderJob job = OpenAiReader.job(node);
        if (job.id() == null) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE, "openai: job response without an id", 200, null, null, null);
        }
        return job;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
