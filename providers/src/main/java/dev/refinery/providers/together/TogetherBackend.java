package dev.refinery.providers.together;

import dev.refinery.providers.spec.LrSchedulerType;
import dev.refinery.providers.spi.FieldRule;
import dev.refinery.catalog.TrainingType;
import dev.refinery.catalog.TrainingMethod;
import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.providers.http.HttpResult;
import dev.refinery.providers.http.LenientJson;
import dev.refinery.providers.http.OutgoingRequest;
import dev.refinery.providers.http.ProviderHttp;
import dev.refinery.providers.http.RetryMode;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spi.ArtifactDownload;
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

import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Together AI fine-tuning (reference providers.md §1), the primary hosted backend. */
public final class TogetherBackend implements TrainingBackend {

    /** What this backend can do (the same for every key). */
    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .methods(TrainingMethod.SFT, TrainingMethod.DPO)
            .trainingTypes(TrainingType.LORA, TrainingType.FULL)
            .secondStage(Capabilities.SecondStage.PROVIDER_JOB)
            .validationFile(Capabilities.ValidationFile.WHEN_EVALUATED)
            .weightsDownload()
            .costSource("reported price (total_price)")
            .settings(SpecField.TRAINING_TYPE, SpecField.EPOCHS, SpecField.LEARNING_RATE, SpecField.BATCH_SIZE, SpecField.MIN_LR_RATIO,
                    SpecField.NUM_CYCLES, SpecField.WARMUP_RATIO, SpecField.WEIGHT_DECAY, SpecField.MAX_GRAD_NORM, SpecField.SEED,
                    SpecField.N_CHECKPOINTS, SpecField.N_EVALS, SpecField.SUFFIX, SpecField.TRAIN_ON_INPUTS, SpecField.FROM_CHECKPOINT,
                    SpecField.LORA_RANK, SpecField.LORA_ALPHA, SpecField.LORA_DROPOUT, SpecField.LORA_TARGET_MODULES, SpecField.DPO_VARIANT,
                    SpecField.DPO_BETA, SpecField.DPO_NLL_WEIGHT, SpecField.SIMPO_GAMMA, SpecField.EARLY_STOPPING_ENABLED,
                    SpecField.EARLY_STOPPING_PATIENCE, SpecField.EARLY_STOPPING_MIN_DELTA, SpecField.EARLY_STOPPING_WARMUP_EVALS)
            .settings(FieldRule.oneOf(SpecField.LR_SCHEDULER, LrSchedulerType.LINEAR, LrSchedulerType.COSINE))
            .build();

    private final ProviderHttp http;
    private final TogetherUploader uploader;
    private final Map<String, Optional<Integer>> maxRankByModel = new ConcurrentHashMap<>();

    public TogetherBackend(TogetherConfig config) {
        this.http = new ProviderHttp(TogetherReader.PROVIDER, config.transport(), config.apiKey());
        this.uploader = new TogetherUploader(http, config);
    }

    @Override
    public String name() {
        return TogetherReader.PROVIDER;
    }

    public ProviderHttp http() {
        return http;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ProviderDefaults providerDefaults() {
        return new TogetherDefaults(this::maxRank);
    }

    /** The model's LoRA max_rank from {@code /fine-tunes/models/limits}, the SDK's default rank; null if unknown. */
    private Integer maxRank(String model) {
        return maxRankByModel.computeIfAbsent(model, m -> {
            try {
                JsonNode limits = http.json(OutgoingRequest.get("/fine-tunes/models/limits?model_name=" + encode(m)));
                Long rank = LenientJson.longValue(LenientJson.field(limits, "lora_training"), "max_rank");
                return Optional.ofNullable(rank == null ? null : rank.intValue());
            } catch (ProviderException e) {
                if (e.code() == ErrorCode.PROVIDER_AUTH_FAILED) {
                    throw e;
                }
                return Optional.empty();
            }
        }).orElse(null);
    }

    @Override
    public UploadedFile upload(DatasetFile file) {
        return uploader.upload(file);
    }

    /**
     * Together has no idempotency key, so the POST is retried only on 429 and 503 (refused before any work); after
     * a timeout or another 5xx the caller gets PROVIDER_UNAVAILABLE and should look for the job with {@link #findSubmitted}.
     */
    @Override
    public ProviderJob create(EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull, String idempotencyKey) {
        CAPABILITIES.refuseUnsupported(name(), spec);
        JsonNode body = TogetherRequests.createJob(spec, training, validationOrNull);
        return readJob(http.json(OutgoingRequest.postJson("/fine-tunes", body, RetryMode.ONLY_IF_NOT_PROCESSED)));
    }

    @Override
    public ProviderJob get(String id) {
        return readJob(http.json(OutgoingRequest.get("/fine-tunes/" + encode(id))));
    }

    /** Together returns every event at once; the cursor is how many were already seen. */
    @Override
    public Page<ProviderEvent> events(String id, String cursorOrNull) {
        JsonNode data = LenientJson.field(http.json(OutgoingRequest.get("/fine-tunes/" + encode(id) + "/events")), "data");
        int seen = cursorOrNull == null ? 0 : parseCursor(cursorOrNull);
        List<ProviderEvent> all = new ArrayList<>();
        if (data != null && data.isArray()) {
            for (int i = 0; i < data.size(); i++) {
                all.add(TogetherReader.event(data.get(i), i));
            }
        }
        List<ProviderEvent> fresh = seen >= all.size() ? List.of() : all.subList(seen, all.size());
        return new Page<>(fresh, String.valueOf(Math.max(seen, all.size())), false);
    }

    @Override
    public List<MetricPoint> metrics(String id) {
        JsonNode response = http.json(OutgoingRequest.get("/fine-tunes/" + encode(id) + "/metrics"));
        JsonNode list = LenientJson.field(response, "metrics", "data");
        List<MetricPoint> points = new ArrayList<>();
        if (list != null && list.isArray()) {
            for (JsonNode m : list) {
                MetricPoint p = TogetherReader.metric(m);
                if (p != null) {
                    points.add(p);
                }
            }
        }
        points.sort(Comparator.comparingLong(MetricPoint::step));
        return points;
    }

    @Override
    public List<ProviderCheckpoint> checkpoints(String id) {
        JsonNode data = LenientJson.field(http.json(OutgoingRequest.get("/fine-tunes/" + encode(id) + "/checkpoints")), "data");
        List<ProviderCheckpoint> out = new ArrayList<>();
        if (data != null && data.isArray()) {
            data.forEach(c -> out.add(TogetherReader.checkpoint(id, c)));
        }
        return out;
    }

    @Override
    public ProviderJob cancel(String id) {
        return readJob(http.json(OutgoingRequest.postEmpty("/fine-tunes/" + encode(id) + "/cancel", RetryMode.SAFE)));
    }

    /**
     * Streams the weights. Full-training jobs only have {@code model_output_path}; for LoRA we fetch the adapter
     * rather than the SDK's default merged model, since the platform evaluates and serves adapters.
     */
    @Override
    public ArtifactDownload download(String id, ProviderCheckpoint checkpointOrNull, OutputStream out) {
        JsonNode job = http.json(OutgoingRequest.get("/fine-tunes/" + encode(id)));
        String type = LenientJson.text(LenientJson.field(job, "training_type"), "type");
        String kind = "full".equalsIgnoreCase(type) ? "model_output_path" : "adapter";
        StringBuilder path = new StringBuilder("/finetune/download?ft_id=").append(encode(id)).append("&checkpoint=").append(kind);
        if (checkpointOrNull != null && checkpointOrNull.step() != null) {
            path.append("&checkpoint_step=").append(checkpointOrNull.step());
        }
        OutgoingRequest request = new OutgoingRequest("GET", path.toString(), Map.of(), java.net.http.HttpRequest.BodyPublishers.noBody(),
                RetryMode.SAFE, true);
        long[] copied = new long[1];
        HttpResult result = http.stream(request, out, copied);
        String contentType = Optional.ofNullable(result.header("content-type")).orElse("");
        String extension = contentType.contains("x-tar") ? "tar.gz" : "tar.zst";
        return new ArtifactDownload(extension, contentType, copied[0]);
    }

    @Override
    public Page<ProviderJob> list(String cursorOrNull) {
        JsonNode data = LenientJson.field(http.json(OutgoingRequest.get("/fine-tunes")), "data");
        List<ProviderJob> jobs = new ArrayList<>();
        if (data != null && data.isArray()) {
            data.forEach(j -> jobs.add(TogetherReader.job(j)));
        }
        return new Page<>(jobs, null, false);
    }

    /**
     * Together has no idempotency key, but every job names its {@code training_file} and we upload a file per
     * submission: the job on that file is the one a lost create made. {@code GET /fine-tunes} has no paging (every
     * job of the key at once); should two jobs name the file, the newest is the one returned.
     */
    @Override
    public Optional<ProviderJob> findSubmitted(UploadedFile training) {
        JsonNode data = LenientJson.field(http.json(OutgoingRequest.get("/fine-tunes")), "data");
        JsonNode newest = null;
        if (data != null && data.isArray()) {
            for (JsonNode j : data) {
                if (training.id().equals(LenientJson.text(j, "training_file", "TrainingFile"))
                        && (newest == null || createdAt(j).compareTo(createdAt(newest)) >= 0)) {
                    newest = j;
                }
            }
        }
        return newest == null ? Optional.empty() : Optional.of(readJob(newest));
    }

    private static String createdAt(JsonNode job) {
        return Optional.ofNullable(LenientJson.text(job, "created_at", "CreatedAt")).orElse("");
    }

    private ProviderJob readJob(JsonNode node) {
        ProviderJob job = TogetherReader.job(node);
        if (job.id() == null) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE, "together: job response without an id", 200, null, null, null);
        }
        return job;
    }

    private int parseCursor(String cursor) {
        try {
            return Math.max(0, Integer.parseInt(cursor));
        } catch (NumberFormatException e) {
            throw new ProviderException(name(), ErrorCode.PROVIDER_REJECTED, "together: event cursor '" + cursor + "' is not one this backend issued");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
