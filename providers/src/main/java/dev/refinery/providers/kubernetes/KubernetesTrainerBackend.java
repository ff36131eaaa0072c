package dev.refinery.providers.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.LrSchedulerType;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.providers.spec.TrainOnInputs;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.EventLevel;
import dev.refinery.providers.spi.JobError;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Trains on the cluster's GPUs: one {@code batch/v1} Job per job, running the trainer image of
 * {@code deploy/trainer/}, which reads its datasets from and writes its adapter, {@code metrics.jsonl} and
 * {@code result.json} to the platform's bucket under {@code jobs/{id}/}.
 *
 * <p>The backend's job id is our job id (the {@code idempotencyKey} of {@link #create}); the Job's name and its
 * {@code refinery.dev/job-id} label derive from it, so nothing but the id needs storing to find a Job again
 * after a restart. While the pod lives, progress is read from its log (the trainer prints one JSON line per
 * step); once Kubernetes has removed the Job (ttlSecondsAfterFinished), the outcome is read from
 * {@code result.json} and the curve from {@code metrics.jsonl}, which outlive it.
 */
public final class KubernetesTrainerBackend implements TrainingBackend {

    public static final String NAME = "kubernetes";
    static final String CANCELLED_MARKER = "cancelled.json";
    private static final int PROGRESS_TAIL_LINES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final KubernetesTrainerConfig config;
    private final TrainerStorage storage;

    public KubernetesTrainerBackend(KubernetesClient client, KubernetesTrainerConfig config, TrainerStorage storage) {
        this.client = client;
        this.config = config;
        this.storage = storage;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** What this backend can do (the same for every key). */
    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .methods(TrainingMethod.SFT, TrainingMethod.DPO)
            .trainingTypes(TrainingType.LORA, TrainingType.FULL)
            .secondStage(Capabilities.SecondStage.ADAPTER_IN_BUCKET)
            .data(Capabilities.DataPlacement.IN_OUR_BUCKET)
            .pricing(Capabilities.Pricing.UNPRICED)
            .ownFailureCodes()
            .settings(TrainerSpecDocument.SUPPORTED.toArray(SpecField<?>[]::new))
            .build();

    @Override
    public Capabilities capabilities() {
        // DPO and a starting adapter (fromCheckpoint: an earlier job's adapter folder in the bucket) are the trainer's own.
        return CAPABILITIES;
    }

    /** The trainer's own defaults, so that every effective setting is recorded with where it came from. */
    @Override
    public ProviderDefaults providerDefaults() {
        return (baseModel, method, type, alreadySet) -> {
            SpecValues d = SpecValues.EMPTY
                    .with(SpecField.EPOCHS, 1).with(SpecField.LEARNING_RATE, 1e-4).with(SpecField.BATCH_SIZE, BatchSize.of(8))
                    .with(SpecField.LR_SCHEDULER, LrSchedulerType.COSINE).with(SpecField.WARMUP_RATIO, 0.0)
                    .with(SpecField.WEIGHT_DECAY, 0.0).with(SpecField.MAX_GRAD_NORM, 1.0).with(SpecField.SEED, 42L)
                    .with(SpecField.TRAIN_ON_INPUTS, TrainOnInputs.AUTO);
            if (method == TrainingMethod.DPO) {
                // The trainer's DPO defaults are Together's (refinery_trainer/spec.py): beta 0.1, no NLL term, SimPO margin 0.
                d = d.with(SpecField.DPO_VARIANT, DpoVariant.STANDARD).with(SpecField.DPO_BETA, 0.1).with(SpecField.DPO_NLL_WEIGHT, 0.0);
                if (alreadySet.get(SpecField.DPO_VARIANT).orElse(DpoVariant.STANDARD) == DpoVariant.SIMPO) {
                    d = d.with(SpecField.SIMPO_GAMMA, 0.0);
                }
            }
            if (type == TrainingType.LORA) {
                int rank = alreadySet.get(SpecField.LORA_RANK).orElse(8);
                d = d.with(SpecField.LORA_RANK, rank).with(SpecField.LORA_ALPHA, 2.0 * rank).with(SpecField.LORA_DROPOUT, 0.0)
                        .with(SpecField.LORA_TARGET_MODULES, List.of("all-linear"));
            }
            return d;
        };
    }

    /** Copies the file into the platform's bucket, where the trainer pod reads it; the id is its key. */
    @Override
    public UploadedFile upload(DatasetFile file) {
        String key = "uploads/" + NAME + "/" + UUID.randomUUID() + "/" + file.fileName();
        try {
            storage.put(key, file.content(), file.sizeBytes());
        } catch (IOException e) {
            throw new ProviderException(NAME, ErrorCode.PROVIDER_UNAVAILABLE, "cannot store " + file.fileName() + " for the trainer: " + e.getMessage(),
                    0, null, null, e);
        }
        return new UploadedFile(NAME, key, file.fileName(), file.sizeBytes());
    }

    /**
     * Creates the Job, named after {@code idempotencyKey} (our job id; a fresh id when null). A repeated call with
     * the same key finds the Job the first call created and returns it instead of starting a second one.
     */
    @Override
    public ProviderJob create(EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull, String idempotencyKey) {
        capabilities().refuseUnsupported(NAME, spec);
        String jobId = idempotencyKey == null ? "k8s-" + UUID.randomUUID() : idempotencyKey;
        String specJson = TrainerSpecDocument.json(jobId, spec, training, validationOrNull);
        Job manifest = TrainerJobManifest.build(config, jobId, specJson);
        try {
            jobs().resource(manifest).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw failure("create the Job for " + jobId, e);
            }
            // 409: this id's Job exists already: the earlier call went through.
        }
        return get(jobId);
    }

    @Override
    public ProviderJob get(String jobId) {
        Job job = fetchJob(jobId);
        if (job == null) {
            return fromStorage(jobId).orElseThrow(() -> new ProviderException(NAME, ErrorCode.PROVIDER_NOT_FOUND,
                    "no Kubernetes Job and no result in storage for job " + jobId, 404, null, null, null));
        }
        return read(jobId, job);
    }

    /**
     * Every Job this service started that still exists, newest first: after a restart, the service matches
     * them against its own records by their job-id annotation.
     */
    @Override
    public Page<ProviderJob> list(String cursorOrNull) {
        List<Job> found;
        try {
            found = jobs().withLabel(TrainerJobIds.MANAGED_BY_LABEL, TrainerJobIds.MANAGED_BY).list().getItems();
        } catch (KubernetesClientException e) {
            throw failure("list the trainer Jobs", e);
        }
        List<ProviderJob> out = new ArrayList<>();
        found.stream()
                .sorted(Comparator.comparing((Job j) -> String.valueOf(j.getMetadata().getCreationTimestamp())).reversed())
                .forEach(j -> out.add(read(j.getMetadata().getAnnotations().get(TrainerJobIds.JOB_ID_ANNOTATION), j)));
        return new Page<>(out, null, false);
    }

    /** Finds our job's Job by its label alone, as a restarted service does when all it kept is the job id. */
    public Optional<ProviderJob> findByJobId(String jobId) {
        List<Job> found;
        try {
            found = jobs().withLabel(TrainerJobIds.JOB_ID_LABEL, TrainerJobIds.labelValue(jobId)).list().getItems();
        } catch (KubernetesClientException e) {
            throw failure("look up the Job of " + jobId, e);
        }
        return found.stream()
                .filter(j -> jobId.equals(j.getMetadata().getAnnotations().get(TrainerJobIds.JOB_ID_ANNOTATION)))
                .findFirst().map(j -> read(jobId, j));
    }

    /** The latest progress line of the running (or last) pod: step, loss, tokens/s and ETA. */
    public Optional<TrainerProgress> progress(String jobId) {
        return newestPod(jobId).flatMap(pod -> TrainerLog.lastProgress(TrainerLog.parse(log(pod, PROGRESS_TAIL_LINES))));
    }

    /**
     * Kubernetes' events about the Job and its pods (scheduling, image pulls, back-offs) and the trainer's own
     * lines (started, each step's progress with its ETA, validation, completed, error), oldest first. The cursor
     * is the time and id of the last event returned, so it survives events expiring from the cluster.
     */
    @Override
    public Page<ProviderEvent> events(String jobId, String cursorOrNull) {
        List<ProviderEvent> all = new ArrayList<>();
        List<Pod> pods = pods(jobId);
        List<String> involved = new ArrayList<>();
        involved.add(TrainerJobIds.jobName(jobId));
        pods.forEach(p -> involved.add(p.getMetadata().getName()));
        try {
            for (Event e : client.v1().events().inNamespace(config.namespace()).list().getItems()) {
                if (e.getInvolvedObject() != null && involved.contains(e.getInvolvedObject().getName())) {
                    all.add(clusterEvent(e));
                }
            }
        } catch (KubernetesClientException e) {
            throw failure("read the events of " + jobId, e);
        }
        for (Pod pod : pods) {
            for (TrainerLog.Line line : TrainerLog.parse(log(pod, null))) {
                all.add(trainerEvent(pod.getMetadata().getName(), line));
            }
        }
        all.sort(Comparator.comparing((ProviderEvent e) -> e.createdAt() == null ? Instant.EPOCH : e.createdAt()).thenComparing(ProviderEvent::id));
        EventCursor after = EventCursor.parse(cursorOrNull);
        List<ProviderEvent> newer = all.stream().filter(e -> after == null || after.isBefore(e)).toList();
        String next = newer.isEmpty() ? cursorOrNull : EventCursor.of(newer.get(newer.size() - 1)).toString();
        return new Page<>(newer, next, false);
    }

    /** Per step: the trainer's metrics.jsonl once it is in storage (it outlives the pod), else the pod's log. */
    @Override
    public List<MetricPoint> metrics(String jobId) {
        List<TrainerLog.Line> lines = readStored(jobId, "metrics.jsonl").map(TrainerLog::parse).orElse(List.of());
        if (lines.isEmpty()) {
            lines = newestPod(jobId).map(pod -> TrainerLog.parse(log(pod, null))).orElse(List.of());
        }
        Map<Long, MetricPoint> byStep = new TreeMap<>();
        for (TrainerLog.Line line : lines) {
            JsonNode n = line.body();
            long step = n.path("step").asLong();
            MetricPoint known = byStep.get(step);
            String event = line.event();
            if (event.equals("progress") || event.equals("train")) {
                byStep.put(step, new MetricPoint(step, TrainerLog.doubleOrNull(n, "loss"), TrainerLog.doubleOrNull(n, "learningRate"),
                        known == null ? null : known.evalLoss(), line.time()));
            } else if (event.equals("validation")) {
                byStep.put(step, new MetricPoint(step, known == null ? null : known.trainLoss(), known == null ? null : known.learningRate(),
                        TrainerLog.doubleOrNull(n, "validationLoss"), known == null ? line.time() : known.loggedAt()));
            }
        }
        return List.copyOf(byStep.values());
    }

    /** The final adapter (or model) the trainer wrote; the trainer keeps no intermediate checkpoints yet. */
    @Override
    public List<ProviderCheckpoint> checkpoints(String jobId) {
        ProviderJob job = get(jobId);
        if (job.state() != JobState.SUCCEEDED || job.outputModel() == null) {
            return List.of();
        }
        String kind = job.outputModel().endsWith("/model/") ? "Final Model" : "Final Adapter";
        return List.of(new ProviderCheckpoint(job.outputModel(), job.stepsCompleted(), kind, job.finishedAt()));
    }

    /**
     * Records the cancellation in storage (so it is known after the Job is gone), then deletes the Job with its
     * pods (foreground propagation: the Job lingers, CANCELLING, until its pods are gone). A finished job is
     * left as it is.
     */
    @Override
    public ProviderJob cancel(String jobId) {
        Job job = fetchJob(jobId);
        if (job == null) {
            return get(jobId);
        }
        ProviderJob current = read(jobId, job);
        if (current.isTerminal()) {
            return current;
        }
        writeStored(jobId, CANCELLED_MARKER, "{\"status\":\"CANCELLED\",\"cancelledAt\":\"" + Instant.now() + "\"}");
        try {
            jobs().withName(TrainerJobIds.jobName(jobId)).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        } catch (KubernetesClientException e) {
            throw failure("delete the Job of " + jobId, e);
        }
        Job after = fetchJob(jobId);
        return after == null ? get(jobId) : withState(read(jobId, after), JobState.CANCELLING, "cancellation requested; the pod is being stopped");
    }

    // --- reading one Job ---

    private ProviderJob read(String jobId, Job job) {
        List<Pod> pods = pods(jobId);
        KubernetesJobStatus.Verdict verdict = KubernetesJobStatus.of(job, pods);
        if (verdict.abandon()) {
            abandon(jobId, verdict.error());
        }
        Optional<JsonNode> finalLine = verdict.pod() == null ? Optional.empty() : KubernetesJobStatus.finalLine(verdict.pod());
        Optional<TrainerProgress> progress = verdict.pod() == null || verdict.state() == JobState.QUEUED || verdict.abandon()
                ? Optional.empty()
                : TrainerLog.lastProgress(TrainerLog.parse(log(verdict.pod(), PROGRESS_TAIL_LINES)));
        Long steps = progress.map(TrainerProgress::step).orElse(null);
        if (finalLine.isPresent() && finalLine.get().has("steps")) {
            steps = finalLine.get().get("steps").asLong();
        }
        String output = null;
        if (verdict.state() == JobState.SUCCEEDED) {
            output = outputUri(jobId, finalLine.map(n -> n.path("outputPrefix").asText(null)).orElse(null));
        }
        Instant created = instant(job.getMetadata().getCreationTimestamp());
        Instant started = job.getStatus() == null ? null : instant(job.getStatus().getStartTime());
        Instant finished = job.getStatus() == null ? null : instant(job.getStatus().getCompletionTime());
        if (finished == null && verdict.state().isTerminal() && job.getStatus() != null && job.getStatus().getConditions() != null) {
            finished = job.getStatus().getConditions().stream().filter(c -> "True".equals(c.getStatus()))
                    .map(c -> instant(c.getLastTransitionTime())).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }
        String note = verdict.note();
        if (note == null && verdict.state() == JobState.RUNNING && progress.isPresent()) {
            note = progress.get().describe();
        }
        return new ProviderJob(NAME, jobId, verdict.state(), verdict.rawStatus(), note, steps,
                progress.map(TrainerProgress::totalSteps).orElse(null), progress.map(TrainerProgress::epoch).orElse(null),
                progress.map(TrainerProgress::tokens).orElse(null), null, null, output, verdict.error(),
                created, started, null, finished);
    }

    /**
     * A pod that will never start holds its GPU until activeDeadlineSeconds; record why the job failed, where it
     * survives the Job, and delete the Job now.
     */
    private void abandon(String jobId, JobError error) {
        try {
            String result = JSON.writeValueAsString(Map.of("status", "FAILED", "jobId", jobId, "code", error.code(), "message", error.message()));
            writeStored(jobId, "result.json", result);
            jobs().withName(TrainerJobIds.jobName(jobId)).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (IOException | KubernetesClientException e) {
            // The verdict stands; the next read tries again.
        }
    }

    /** A job whose Job is gone: its result.json (written by the trainer, or by {@link #abandon}) or our cancel marker. */
    private Optional<ProviderJob> fromStorage(String jobId) {
        Optional<JsonNode> result = readStored(jobId, "result.json").flatMap(TrainerLog::readObjectAny);
        if (result.isPresent()) {
            JsonNode r = result.get();
            boolean ok = "SUCCEEDED".equals(r.path("status").asText());
            JobError error = ok ? null : new JobError(r.path("code").asText("TRAINER_FAILED"), r.path("message").asText(""), null);
            return Optional.of(new ProviderJob(NAME, jobId, ok ? JobState.SUCCEEDED : JobState.FAILED, "result.json:" + r.path("status").asText(),
                    "the Kubernetes Job is gone; read from result.json", TrainerLog.longOrNull(r, "steps"), TrainerLog.longOrNull(r, "totalSteps"),
                    null, TrainerLog.longOrNull(r, "tokens"), null, null, ok ? outputUri(jobId, r.path("outputPrefix").asText(null)) : null,
                    error, null, null, null, null));
        }
        if (readStored(jobId, CANCELLED_MARKER).isPresent()) {
            return Optional.of(new ProviderJob(NAME, jobId, JobState.CANCELLED, "deleted", "the Job was deleted on request",
                    null, null, null, null, null, null, null, null, null, null, null, null));
        }
        return Optional.empty();
    }

    private String outputUri(String jobId, String prefixOrNull) {
        String prefix = prefixOrNull == null ? "jobs/" + jobId + "/adapter/" : prefixOrNull;
        return "s3://" + config.s3Bucket() + "/" + prefix;
    }

    private static ProviderJob withState(ProviderJob j, JobState state, String note) {
        return new ProviderJob(j.provider(), j.id(), state, j.rawStatus(), note, j.stepsCompleted(), j.totalSteps(), j.epochsCompleted(),
                j.trainedTokens(), j.billedTokens(), j.costUsd(), j.outputModel(), j.error(), j.createdAt(), j.startedAt(), j.updatedAt(), j.finishedAt());
    }

    // --- events ---

    private static ProviderEvent clusterEvent(Event e) {
        Instant at = instant(e.getLastTimestamp());
        if (at == null && e.getEventTime() != null) {
            at = instant(e.getEventTime().getTime());
        }
        if (at == null) {
            at = instant(e.getMetadata().getCreationTimestamp());
        }
        EventLevel level = "Warning".equals(e.getType()) ? EventLevel.WARNING : EventLevel.INFO;
        String type = "kubernetes." + (e.getReason() == null ? "event" : e.getReason().toLowerCase(java.util.Locale.ROOT));
        return new ProviderEvent("k8s:" + e.getMetadata().getUid(), at, level, type,
                e.getInvolvedObject().getKind() + " " + e.getInvolvedObject().getName() + ": " + e.getMessage(), null);
    }

    private static ProviderEvent trainerEvent(String podName, TrainerLog.Line line) {
        JsonNode n = line.body();
        String event = line.event();
        Long step = TrainerLog.longOrNull(n, "step");
        String message;
        EventLevel level = EventLevel.INFO;
        switch (event) {
            case "progress" -> message = TrainerLog.progress(n).describe();
            case "validation" -> message = "validation loss " + n.path("validationLoss").asText() + " at step " + n.path("step").asText();
            case "started" -> message = "training started: " + n.path("totalSteps").asText() + " steps, " + n.path("examples").asText()
                    + " examples on " + n.path("device").asText("?");
            case "completed" -> message = "training completed: " + n.path("steps").asText() + " steps, output " + n.path("outputPrefix").asText();
            case "error" -> {
                level = EventLevel.ERROR;
                message = n.path("code").asText() + ": " + n.path("message").asText();
            }
            default -> message = n.toString();
        }
        return new ProviderEvent("log:" + podName + ":" + String.format("%08d", line.index()), line.time(), level, "trainer." + event, message, step);
    }

    /** Position in the ordered event list: the last event's time and id. */
    private record EventCursor(Instant at, String id) {

        static EventCursor parse(String cursor) {
            if (cursor == null || cursor.isBlank()) {
                return null;
            }
            int bar = cursor.indexOf('|');
            return new EventCursor(Instant.ofEpochMilli(Long.parseLong(cursor.substring(0, bar))), cursor.substring(bar + 1));
        }

        static EventCursor of(ProviderEvent e) {
            return new EventCursor(e.createdAt() == null ? Instant.EPOCH : e.createdAt(), e.id());
        }

        boolean isBefore(ProviderEvent e) {
            Instant t = e.createdAt() == null ? Instant.EPOCH : e.createdAt();
            int c = t.compareTo(at);
            return c > 0 || (c == 0 && e.id().compareTo(id) > 0);
        }

        @Override
        public String toString() {
            return at.toEpochMilli() + "|" + id;
        }
    }

    // --- cluster and storage access ---

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Job, io.fabric8.kubernetes.api.model.batch.v1.JobList, io.fabric8.kubernetes.client.dsl.ScalableResource<Job>> jobs() {
        return client.batch().v1().jobs().inNamespace(config.namespace());
    }

    private Job fetchJob(String jobId) {
        try {
            return jobs().withName(TrainerJobIds.jobName(jobId)).get();
        } catch (KubernetesClientException e) {
            throw failure("read the Job of " + jobId, e);
        }
    }

    private List<Pod> pods(String jobId) {
        try {
            return client.pods().inNamespace(config.namespace())
                    .withLabel(TrainerJobIds.JOB_ID_LABEL, TrainerJobIds.labelValue(jobId)).list().getItems();
        } catch (KubernetesClientException e) {
            throw failure("list the pods of " + jobId, e);
        }
    }

    private Optional<Pod> newestPod(String jobId) {
        return KubernetesJobStatus.newest(pods(jobId));
    }

    /** The pod's log (its last {@code tailLines} lines when given); empty when the container has not started. */
    private String log(Pod pod, Integer tailLines) {
        PodResource resource = client.pods().inNamespace(config.namespace()).withName(pod.getMetadata().getName());
        try {
            String text = tailLines == null ? resource.getLog() : resource.tailingLines(tailLines).getLog();
            return text == null ? "" : text;
        } catch (KubernetesClientException e) {
            return "";
        }
    }

    private Optional<String> readStored(String jobId, String name) {
        if (storage == null) {
            return Optional.empty();
        }
        try {
            Optional<InputStream> in = storage.open("jobs/" + jobId + "/" + name);
            if (in.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream stream = in.get()) {
                return Optional.of(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new ProviderException(NAME, ErrorCode.PROVIDER_UNAVAILABLE, "cannot read jobs/" + jobId + "/" + name + ": " + e.getMessage(),
                    0, null, null, e);
        }
    }

    private void writeStored(String jobId, String name, String content) {
        if (storage == null) {
            return;
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try {
            storage.put("jobs/" + jobId + "/" + name, () -> new ByteArrayInputStream(bytes), bytes.length);
        } catch (IOException e) {
            throw new ProviderException(NAME, ErrorCode.PROVIDER_UNAVAILABLE, "cannot write jobs/" + jobId + "/" + name + ": " + e.getMessage(),
                    0, null, null, e);
        }
    }

    private static ProviderException failure(String what, KubernetesClientException e) {
        int status = e.getCode();
        ErrorCode code = switch (status) {
            case 401, 403 -> ErrorCode.PROVIDER_AUTH_FAILED;
            case 404 -> ErrorCode.PROVIDER_NOT_FOUND;
            case 400, 409, 422 -> ErrorCode.PROVIDER_REJECTED;
            case 429 -> ErrorCode.PROVIDER_RATE_LIMITED;
            default -> ErrorCode.PROVIDER_UNAVAILABLE;
        };
        String hint = status == 403 ? " (the service account needs the Role in deploy/trainer/README.md)" : "";
        return new ProviderException(NAME, code, "Kubernetes refused to " + what + ": " + e.getMessage() + hint, status,
                e.getStatus() == null ? null : e.getStatus().getMessage(), null, e);
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
