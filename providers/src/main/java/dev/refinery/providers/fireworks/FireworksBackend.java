package dev.refinery.providers.fireworks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.providers.http.ContentSlice;
import dev.refinery.providers.http.LenientJson;
import dev.refinery.providers.http.MultipartBody;
import dev.refinery.providers.http.OutgoingRequest;
import dev.refinery.providers.http.ProviderHttp;
import dev.refinery.providers.http.RetryMode;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.providers.spec.ValueSource;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.JobState;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Fireworks AI supervised and DPO fine-tuning (reference providers.md §3). Job ids are full resource names
 * ({@code accounts/a/supervisedFineTuningJobs/x}), so {@link #get} knows which collection to read. Fireworks
 * publishes no event log, metrics points or checkpoint list through these endpoints: those calls return empty.
 */
public final class FireworksBackend implements TrainingBackend {

    /** What this backend can do (the same for every key). */
    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .methods(TrainingMethod.SFT, TrainingMethod.DPO)
            .trainingTypes(TrainingType.LORA)
            .secondStage(Capabilities.SecondStage.OUTPUT_MODEL)
            .costSource("estimatedCost (the provider's own figure)")
            .settings(SpecField.TRAINING_TYPE, SpecField.EPOCHS, SpecField.LEARNING_RATE, SpecField.LORA_RANK, SpecField.BATCH_SIZE,
                    SpecField.WEIGHT_DECAY, SpecField.FROM_CHECKPOINT, SpecField.SUFFIX, SpecField.DPO_BETA, SpecField.DPO_VARIANT)
            .build();
    private static final String SFT = "supervisedFineTuningJobs";
    private static final String DPO = "dpoJobs";

    private final ProviderHttp http;
    private final FireworksConfig config;
    private final String account;

    public FireworksBackend(FireworksConfig config) {
        this.config = config;
        this.http = new ProviderHttp(FireworksReader.PROVIDER, config.transport(), config.apiKey());
        this.account = "/accounts/" + config.accountId();
    }

    @Override
    public String name() {
        return FireworksReader.PROVIDER;
    }

    public ProviderHttp http() {
        return http;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /** Fireworks sets its defaults server-side and does not document them; only LoRA and DPO-only are known. */
    @Override
    public ProviderDefaults providerDefaults() {
        return (model, method, type, set) -> {
            SpecValues d = SpecValues.EMPTY.with(SpecField.TRAINING_TYPE, TrainingType.LORA);
            return method == TrainingMethod.DPO ? d.with(SpecField.DPO_VARIANT, DpoVariant.STANDARD) : d;
        };
    }

    /** Creates the dataset resource, then uploads into it: {@code :upload} up to 150 MB, a signed URL above. */
    @Override
    public UploadedFile upload(DatasetFile file) {
        String datasetId = resourceId(stripExtension(file.fileName()) + "-" + UUID.randomUUID().toString().substring(0, 8));
        ObjectNode body = LenientJson.MAPPER.createObjectNode().put("datasetId", datasetId);
        ObjectNode dataset = body.putObject("dataset");
        dataset.put("displayName", file.fileName());
        dataset.putObject("userUploaded");
        dataset.put("format", "CHAT");
        http.json(OutgoingRequest.postJson(account + "/datasets", body, RetryMode.SAFE));
        String path = account + "/datasets/" + datasetId;
        if (file.sizeBytes() <= config.directUploadLimit()) {
            MultipartBody form = new MultipartBody().file("file", file.fileName(), "application/octet-stream", file.content(), file.sizeBytes());
            http.json(OutgoingRequest.postMultipart(path + ":upload", form, RetryMode.SAFE));
        } else {
            uploadBySignedUrl(path, file);
        }
        return new UploadedFile(name(), path.substring(1), file.fileName(), file.sizeBytes());
    }

    private void uploadBySignedUrl(String path, DatasetFile file) {
        ObjectNode request = LenientJson.MAPPER.createObjectNode();
        request.putObject("filenameToSize").put(file.fileName(), String.valueOf(file.sizeBytes()));
        JsonNode urls = LenientJson.field(http.json(OutgoingRequest.postJson(path + ":getUploadEndpoint", request, RetryMode.SAFE)),
                "filenameToSignedUrls");
        String url = LenientJson.text(urls, file.fileName());
        if (url == null) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE,
                    "fireworks: getUploadEndpoint returned no signed URL for " + file.fileName(), 200, null, null, null);
        }
        http.send(OutgoingRequest.put(url, Map.of("Content-Type", "application/octet-stream"),
                ContentSlice.whole(file).publisher()));
        http.json(OutgoingRequest.postJson(path + ":validateUpload", LenientJson.MAPPER.createObjectNode(), RetryMode.SAFE));
    }

    /**
     * The idempotency key becomes the job id, so Fireworks itself refuses a second job for the same submission;
     * on that conflict we return the job that exists.
     */
    @Override
    public ProviderJob create(EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull, String idempotencyKey) {
        CAPABILITIES.refuseUnsupported(name(), spec);
        if (spec.valueOr(SpecField.DPO_VARIANT, DpoVariant.STANDARD) != DpoVariant.STANDARD
                && spec.source(SpecField.DPO_VARIANT).orElse(null) == ValueSource.USER) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_UNSUPPORTED,
                    "fireworks offers standard DPO only, not " + spec.value(SpecField.DPO_VARIANT).orElseThrow(), 0, null, "dpoVariant", null);
        }
        String collection = spec.method() == TrainingMethod.DPO ? DPO : SFT;
        String idParam = spec.method() == TrainingMethod.DPO ? "dpoJobId" : "supervisedFineTuningJobId";
        String jobId = resourceId(idempotencyKey);
        JsonNode body = FireworksRequests.createJob(spec, training, validationOrNull);
        try {
            return readJob(http.json(OutgoingRequest.postJson(account + "/" + collection + "?" + idParam + "=" + jobId, body, RetryMode.SAFE)));
        } catch (ProviderException e) {
            if (e.httpStatus() == 409) {
                return get(account.substring(1) + "/" + collection + "/" + jobId);
            }
            throw e;
        }
    }

    @Override
    public ProviderJob get(String id) {
        return readJob(http.json(OutgoingRequest.get("/" + checkedName(id))));
    }

    @Override
    public Page<ProviderEvent> events(String id, String cursorOrNull) {
        return new Page<>(List.of(), cursorOrNull, false);
    }

    @Override
    public List<MetricPoint> metrics(String id) {
        return List.of();
    }

    @Override
    public List<ProviderCheckpoint> checkpoints(String id) {
        return List.of();
    }

    /**
     * Fireworks has no cancel method; deleting the job is the documented way to stop it (that it stops billing
     * at once is unverified). A job gone after the delete is reported CANCELLED.
     */
    @Override
    public ProviderJob cancel(String id) {
        http.send(OutgoingRequest.delete("/" + checkedName(id)));
        try {
            return get(id);
        } catch (ProviderException e) {
            if (e.code() != ErrorCode.PROVIDER_NOT_FOUND) {
                throw e;
            }
            return new ProviderJob(name(), id, JobState.CANCELLED, "deleted", "deleted to cancel; Fireworks has no cancel method",
                    null, null, null, null, null, null, null, null, null, null, null, http.settings().clock().instant());
        }
    }

    @Override
    public ProviderJob resume(String id) {
        return readJob(http.json(OutgoingRequest.postEmpty("/" + checkedName(id) + ":resume", RetryMode.SAFE)));
    }

    /** SFT jobs page by page, then DPO jobs; the cursor says which collection and which page. */
    @Override
    public Page<ProviderJob> list(String cursorOrNull) {
        String collection = SFT;
        String token = null;
        if (cursorOrNull != null) {
            int colon = cursorOrNull.indexOf(':');
            collection = colon < 0 ? cursorOrNull : cursorOrNull.substring(0, colon);
            token = colon < 0 || colon == cursorOrNull.length() - 1 ? null : cursorOrNull.substring(colon + 1);
            if (!collection.equals(SFT) && !collection.equals(DPO)) {
                throw new ProviderException(name(), ErrorCode.PROVIDER_REJECTED, "fireworks: list cursor '" + cursorOrNull + "' is not one we issued");
            }
        }
        String path = account + "/" + collection + "?pageSize=200" + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        JsonNode page = http.json(OutgoingRequest.get(path));
        List<ProviderJob> jobs = new ArrayList<>();
        JsonNode items = LenientJson.field(page, collection);
        if (items != null && items.isArray()) {
            items.forEach(j -> jobs.add(FireworksReader.job(j)));
        }
        String next = LenientJson.text(page, "nextPageToken");
        if (next != null) {
            return new Page<>(jobs, collection + ":" + next, true);
        }
        return collection.equals(SFT) ? new Page<>(jobs, DPO + ":", true) : new Page<>(jobs, null, false);
    }

    private ProviderJob readJob(JsonNode node) {
        ProviderJob job = FireworksReader.job(node);
        if (job.id() == null) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE, "fireworks: job response without a name", 200, null, null, null);
        }
        return job;
    }

    /** Refuses an id that is not one of this account's job names, rather than sending it into a path. */
    private String checkedName(String id) {
        String prefix = account.substring(1) + "/";
        if (id == null || !id.startsWith(prefix) || !id.substring(prefix.length()).matches("(" + SFT + "|" + DPO + ")/[a-z0-9-]+")) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_NOT_FOUND,
                    "fireworks: '" + id + "' is not a job of account " + config.accountId() + " (expected " + prefix + SFT + "/<id> or " + DPO + "/<id>)");
        }
        return id;
    }

    /** Fireworks resource ids: lower-case letters, digits and hyphens, starting with a letter, at most 63. */
    static String resourceId(String raw) {
        String s = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            s = "r-" + s;
        }
        return s.length() <= 63 ? s : s.substring(0, 63).replaceAll("-$", "");
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
