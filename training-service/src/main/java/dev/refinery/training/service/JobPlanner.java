package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.Setting;
import dev.refinery.providers.spec.SpecException;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.providers.spec.ValueSource;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.FieldRule;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.mapping.SpecJson;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.rest.JobRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one planner: turns any job request, whatever its backend, into a job ready to record, or refuses it with one
 * answer that lists every problem. In order:
 * <ol>
 *   <li>the backend (known, switched on here);</li>
 *   <li>the request's own fields: the dataset id, lengths of everything that reaches an event, the method, a budget on a
 *       backend that is not priced, the earlier job a second stage continues, the base model and its limits;</li>
 *   <li>every setting: known, of the right type, supported by the backend and within the backend's range (its
 *       capabilities), within the model's limits; a second stage keeps its adapter's shape. All of the above are collected
 *       and refused together: one 400 naming every offending field and what is allowed there;</li>
 *   <li>the dataset (known and VALID; one validation has accepted but whose verdict has not reached us yet is a 409 with
 *       {@code Retry-After}, not a 404), then the estimate and the budget (priced backends, before any provider call),
 *       then the backend's own view of the spec: every effective value with its source.</li>
 * </ol>
 */
@ApplicationScoped
public class JobPlanner {

    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    static final Pattern JOB_ID = Pattern.compile("^ft-[0-9a-f]{32}$");
    /** Longest base model name (it reaches job-submitted and job-completed). */
    private static final int MAX_MODEL_NAME = 256;
    /** Longest single setting and all settings together, as JSON: everything here reaches job-submitted. */
    private static final int MAX_SETTING_JSON = 1024;
    private static final int MAX_SETTINGS_JSON = 16 * 1024;
    private static final BigDecimal MAX_BUDGET_USD = new BigDecimal("1000000");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Inject
    Backends backends;

    @Inject
    Budgets budgets;

    @Inject
    DatasetLookup datasets;

    @Inject
    JobLookup jobs;

    /** A checked job (not yet stored) and its estimate. */
    public record Plan(Job job, Budgets.Estimate estimate) {
    }

    public Plan plan(JobRequest request, String tenantId) {
        if (request == null) {
            throw ApiException.badRequest("REQUEST_BODY_INVALID", "send a JSON object with datasetId (and optionally baseModel, backend, method, "
                    + "hyperparameters, budgetUsd, fromJob, evaluation)");
        }
        String backendName = blank(request.backend()) ? Backends.LOCAL : request.backend().strip();
        if (!Backends.isKnown(backendName)) {
            throw ApiException.badRequest("JOB_BACKEND_UNSUPPORTED", "backend '" + clip(backendName) + "' is not supported; supported: "
                    + String.join(", ", Backends.ALL)).with("field", "backend").with("supported", Backends.ALL);
        }
        backends.requireEnabled(backendName);
        Capabilities caps = Backends.capabilities(backendName);
        Check check = new Check(backendName, caps);

        String datasetId = request.datasetId();
        if (datasetId == null || !DATASET_ID.matcher(datasetId).matches()) {
            check.add(new FieldViolation("datasetId", clip(datasetId), "ds- followed by 32 hex digits", "datasetId must be a dataset id (ds- "
                    + "followed by 32 hex digits), got " + (datasetId == null ? "nothing" : "'" + clip(datasetId) + "'"), "JOB_DATASET_ID_INVALID"));
        }
        TrainingMethod method = method(request.method(), caps, check);
        if (request.budgetUsd() != null) {
            if (caps.pricing() == Capabilities.Pricing.UNPRICED) {
                check.add(new FieldViolation("budgetUsd", request.budgetUsd(), "not set on " + backendName, "budgetUsd caps what a hosted "
                        + "provider bills; the " + backendName + " backend trains on hardware the deployment already has and is not priced",
                        "JOB_FIELD_UNSUPPORTED"));
            } else if (request.budgetUsd().signum() < 0 || request.budgetUsd().compareTo(MAX_BUDGET_USD) > 0) {
                check.add(new FieldViolation("budgetUsd", request.budgetUsd(), "0 to " + MAX_BUDGET_USD, "budgetUsd must be between 0 and "
                        + MAX_BUDGET_USD + " US dollars", "JOB_FIELD_INVALID"));
            }
        }
        EvaluationChecks.violations(request.evaluation(), tenantId).forEach(check::add);
        Job source = blank(request.fromJob()) ? null : sourceJob(request.fromJob().strip(), backendName, caps, tenantId, check);
        String requestedModel = blank(request.baseModel()) ? null : request.baseModel().strip();
        boolean modelTooLong = requestedModel != null && requestedModel.length() > MAX_MODEL_NAME;
        if (modelTooLong) {
            check.add(new FieldViolation("baseModel", clip(requestedModel), "at most " + MAX_MODEL_NAME + " characters", "baseModel is "
                    + requestedModel.length() + " characters long; model names have at most " + MAX_MODEL_NAME, "JOB_FIELD_TOO_LONG"));
            requestedModel = null;
        }
        if (source != null && requestedModel != null && !source.baseModel.equals(requestedModel)) {
            check.add(new FieldViolation("baseModel", requestedModel, source.baseModel, "fromJob " + source.id + " trained " + source.baseModel
                    + ", not " + requestedModel + "; leave baseModel out or name the same model", "JOB_FROM_JOB_INVALID"));
        }
        String modelId = source != null ? source.baseModel : requestedModel != null ? requestedModel : backends.defaultModel(backendName).orElse(null);
        CatalogModel model = modelId == null ? null : model(backendName, modelId, check);
        boolean fromJobRefused = !blank(request.fromJob()) && source == null;
        if (modelId == null && !modelTooLong && !fromJobRefused) { // a refused fromJob would have named the model: one problem, not two
            check.add(new FieldViolation("baseModel", null, backends.modelHint(backendName), "baseModel is required for the " + backendName
                    + " backend; models: " + backends.modelHint(backendName), "JOB_MODEL_UNKNOWN"));
        }
        if (model != null) {
            modelId = model.id();
        }

        Map<SpecField<?>, Object> values = settings(request.hyperparameters(), caps, check);
        if (method != null) {
            checkAgainstModel(model, method, values, check);
        }
        Map<SpecField<?>, Object> fromSource = new LinkedHashMap<>();
        String specModel = modelId;
        if (source != null) {
            specModel = secondStage(source, caps, values, fromSource, check, modelId);
        }
        if (!caps.secondStage().acceptsCheckpointReference() && values.containsKey(SpecField.FROM_CHECKPOINT)) {
            check.add(FieldViolation.setting("fromCheckpoint", values.get(SpecField.FROM_CHECKPOINT), "fromJob instead", "the " + backendName
                    + " backend continues from an earlier job named by fromJob, not from a checkpoint reference"
                    + (caps.secondStage().keepsAdapterShape() ? " (a reference could name any folder of the shared bucket)" : "")));
        }
        if (caps.secondStage().acceptsCheckpointReference() && source == null && !check.refused("fromCheckpoint")
                && values.get(SpecField.FROM_CHECKPOINT) instanceof String ref) {
            checkpointOwner(ref, backendName, tenantId, modelId, check);
        }
        Map<SpecField<?>, Object> all = new LinkedHashMap<>(values);
        all.putAll(fromSource);
        if (method != null) {
            for (SpecException e : JobSpec.inconsistencies(method, SpecValues.of(all))) {
                check.add(FieldViolation.setting(e.field(), raw(request.hyperparameters(), e.field()), "see message", e.getMessage()));
            }
        }
        JobSpec spec = null;
        if (check.ok() && method != null && specModel != null) {
            try {
                spec = new JobSpec(notYetMeasured(), specModel, method, SpecValues.of(all));
            } catch (SpecException e) {
                check.add(FieldViolation.setting(e.field(), all.get(safeField(e.field())), "see message", e.getMessage()));
            }
        }
        check.throwIfAny(modelId);

        TrainingBackend backend = backends.forTenant(tenantId, backendName);
        Dataset dataset = datasets.trainable(tenantId, datasetId);
        Budgets.Estimate estimate = caps.pricing() == Capabilities.Pricing.UNPRICED
                ? new Budgets.Estimate(null, "not priced: the " + backendName + " backend trains on hardware the deployment already has")
                : budgets.estimate(backendName, modelId, method, spec.settings().get(SpecField.TRAINING_TYPE).orElse(caps.defaultTrainingType()),
                spec.settings().get(SpecField.EPOCHS).orElse(null),
                spec.settings().get(SpecField.N_EVALS).orElse(0), dataset);
        if (caps.pricing() == Capabilities.Pricing.CATALOG) {
            budgets.check(tenantId, request.budgetUsd(), estimate);
        }
        EffectiveSpec effective;
        try {
            effective = fromJob(backend.resolve(spec, SpecValues.EMPTY), fromSource.keySet());
            caps.refuseUnsupported(backendName, effective);
        } catch (ProviderException e) {
            if (e.code() == dev.refinery.providers.spi.ErrorCode.PROVIDER_UNSUPPORTED && e.param() != null) {
                throw check.single(FieldViolation.setting(e.param(), null, "see message", e.getMessage()), modelId);
            }
            throw ProviderErrors.toApi(e, "checking the spec with " + backendName);
        } catch (SpecException e) {
            throw check.single(FieldViolation.setting(e.field(), null, "see message", e.getMessage()), modelId);
        }
        return new Plan(job(request, tenantId, backendName, datasetId, modelId, specModel, method, source, effective, estimate), estimate);
    }

    private static Job job(JobRequest request, String tenantId, String backendName, String datasetId, String modelId, String specModel,
                           TrainingMethod method, Job source, EffectiveSpec effective, Budgets.Estimate estimate) {
        Job job = new Job();
        job.id = "ft-" + UUID.randomUUID().toString().replace("-", "");
        job.status = JobStatus.QUEUED;
        job.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        job.backend = backendName;
        job.tenantId = tenantId;
        job.datasetId = datasetId;
        job.baseModel = modelId;
        job.method = method;
        job.fromJobId = source == null ? null : source.id;
        job.budgetUsd = request.budgetUsd();
        Map<String, Object> v = SpecJson.values(effective);
        Map<String, String> s = SpecJson.sources(effective);
        if (!specModel.equals(modelId)) {
            v.put("model", specModel);
            s.put("model", "from_job");
        }
        job.effectiveSpec = SpecJson.effectiveSpecJson(v, s);
        job.request = SpecJson.write(request);
        if (estimate.cost() != null && estimate.cost().priced()) {
            job.estimateLowUsd = estimate.cost().low();
            job.estimateExpectedUsd = estimate.cost().expected();
            job.estimateHighUsd = estimate.cost().high();
        }
        job.estimateNote = (estimate.cost() == null ? "" : estimate.cost().summary() + "; ") + estimate.basis();
        return job;
    }

    private static TrainingMethod method(String raw, Capabilities caps, Check check) {
        TrainingMethod method = blank(raw) ? TrainingMethod.SFT : TrainingMethod.fromWireName(raw.strip()).orElse(null);
        List<String> allowed = caps.methods().stream().map(TrainingMethod::wireName).toList();
        if (method == null || !caps.methods().contains(method)) {
            check.add(new FieldViolation("method", clip(raw), String.valueOf(allowed), "method must be one of " + allowed + " on " + check.backend
                    + ", got '" + clip(raw) + "'", "JOB_METHOD_INVALID"));
            return null;
        }
        return method;
    }

    private CatalogModel model(String backendName, String id, Check check) {
        try {
            return backends.model(backendName, id).orElse(null);
        } catch (CatalogException e) {
            check.add(new FieldViolation("baseModel", id, String.valueOf(backends.modelIds(backendName)), e.getMessage(), "JOB_MODEL_UNKNOWN"));
            check.catalog = backends.modelIds(backendName);
            return null;
        }
    }

    /** The request's settings, typed; each one the backend does not take, or takes in a narrower range, is a violation. */
    private static Map<SpecField<?>, Object> settings(JsonNode hyperparameters, Capabilities caps, Check check) {
        if (hyperparameters != null && hyperparameters.isObject()) {
            if (hyperparameters.toString().length() > MAX_SETTINGS_JSON) {
                check.add(new FieldViolation("hyperparameters", null, "at most " + MAX_SETTINGS_JSON + " characters of JSON", "hyperparameters take "
                        + hyperparameters.toString().length() + " characters; every setting reaches the job-submitted event, which is bounded",
                        "JOB_FIELD_TOO_LONG"));
            }
            com.fasterxml.jackson.databind.node.ObjectNode kept = hyperparameters.deepCopy();
            hyperparameters.fields().forEachRemaining(e -> {
                if (e.getValue().toString().length() > MAX_SETTING_JSON) {
                    check.add(new FieldViolation(e.getKey(), null, "at most " + MAX_SETTING_JSON + " characters", e.getKey() + " is "
                            + e.getValue().toString().length() + " characters long; no setting is longer than " + MAX_SETTING_JSON,
                            "JOB_FIELD_TOO_LONG"));
                    kept.remove(e.getKey());
                }
            });
            hyperparameters = kept;
        }
        JsonNode sent = hyperparameters;
        SpecJson.Read read = SpecJson.read(hyperparameters);
        for (FieldViolation v : read.violations()) {
            FieldRule<?> rule = knownField(v.field()).flatMap(caps::rule).orElse(null);
            if (v.message().startsWith("unknown setting")) {
                check.add(FieldViolation.setting(v.field(), v.value(), "one of " + caps.settingNames() + " on " + check.backend, v.message()));
            } else if (rule != null) {
                // Out of every backend's range, or of the wrong type: said in this backend's words.
                check.add(outOfRange(rule, raw(sent, v.field()), check.backend));
            } else {
                check.add(v);
            }
        }
        Map<SpecField<?>, Object> values = new LinkedHashMap<>();
        read.values().forEach((field, value) -> {
            FieldRule<?> rule = caps.rule(field).orElse(null);
            if (rule == null) {
                check.add(FieldViolation.setting(field.name(), raw(sent, field.name()), "one of " + caps.settingNames() + " on " + check.backend,
                        check.backend + " has no equivalent of the setting '" + field.name() + "'; remove it or choose another backend"));
            } else if (!rule.accepts(value)) {
                check.add(outOfRange(rule, raw(sent, field.name()), check.backend));
            } else {
                values.put(field, value);
            }
        });
        return values;
    }

    private static FieldViolation outOfRange(FieldRule<?> rule, Object value, String backend) {
        return FieldViolation.setting(rule.field().name(), value, rule.describe(), rule.field().name() + " must be " + rule.describe() + " on "
                + backend + ", got " + value);
    }

    /** The value as the request sent it (5 stays 5, not 5.0), for the error. */
    private static Object raw(JsonNode hyperparameters, String field) {
        JsonNode v = hyperparameters == null ? null : hyperparameters.get(field);
        return v == null || v.isNull() ? null : JSON.convertValue(v, Object.class);
    }

    private static java.util.Optional<SpecField<?>> knownField(String name) {
        return java.util.Optional.ofNullable(safeField(name));
    }

    /** The model's limits: the method, the training type, the LoRA rank, the longest sequence. */
    private static void checkAgainstModel(CatalogModel model, TrainingMethod method, Map<SpecField<?>, Object> values, Check check) {
        if (values.get(SpecField.TRAINING_TYPE) instanceof TrainingType t && !check.caps.trainingTypes().contains(t)) {
            check.add(FieldViolation.setting("trainingType", t.wireName(), check.caps.trainingTypes().stream().map(TrainingType::wireName).toList()
                    .toString(), check.backend + " does not offer " + t.wireName() + " training"));
            values.remove(SpecField.TRAINING_TYPE);
        }
        if (model == null) {
            return;
        }
        if (!model.supports(method)) {
            check.add(new FieldViolation("method", method.wireName(), model.methods().stream().map(TrainingMethod::wireName).sorted().toList().toString(),
                    model.id() + " on " + model.backend() + " does not train with " + method.wireName(), "JOB_METHOD_INVALID"));
        }
        Object type = values.get(SpecField.TRAINING_TYPE);
        if (type instanceof TrainingType t && !model.supports(t)) {
            check.add(FieldViolation.setting("trainingType", t.wireName(), model.trainingTypes().stream().map(TrainingType::wireName).sorted().toList()
                    .toString(), model.id() + " on " + model.backend() + " does not offer " + t.wireName() + " training"));
        }
        Integer maxRank = model.loraLimits().map(l -> l.maxRank()).orElse(null);
        if (values.get(SpecField.LORA_RANK) instanceof Integer r && maxRank != null && r > maxRank) {
            check.add(FieldViolation.setting("loraRank", r, "an integer from 1 to " + maxRank, "loraRank must be an integer from 1 to " + maxRank
                    + " for " + model.id() + ", got " + r));
        }
        if (values.get(SpecField.MAX_SEQ_LEN) instanceof Integer len) {
            model.contextLength().forMethod(method).ifPresent(ctx -> {
                if (len > ctx) {
                    check.add(FieldViolation.setting("maxSeqLen", len, "an integer from 1 to " + ctx, "maxSeqLen must be an integer from 1 to "
                            + ctx + " (the context of " + model.id() + "), got " + len));
                }
            });
        }
    }

    /**
     * A provider checkpoint reference ({@code <provider job id>} or {@code <provider job id>:<step>}) must belong to one of
     * the tenant's own jobs on this backend and continue the model asked for: on a shared provider account it could
     * otherwise name another tenant's weights, and a job would be priced as a model it does not continue.
     */
    private void checkpointOwner(String ref, String backendName, String tenantId, String modelId, Check check) {
        String providerJob = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
        Optional<Job> owner = jobs.byProviderJob(tenantId, backendName, providerJob);
        if (owner.isEmpty()) {
            check.add(new FieldViolation("fromCheckpoint", clip(ref), "a checkpoint of one of your jobs on " + backendName
                    + " (its provider job id, or id:step)", "fromCheckpoint " + clip(ref) + " is not a checkpoint of any of your jobs on "
                    + backendName + "; to continue one of them, fromJob names it", "JOB_FROM_CHECKPOINT_INVALID"));
        } else if (modelId != null && !owner.get().baseModel.equals(modelId)) {
            check.add(new FieldViolation("fromCheckpoint", clip(ref), "a checkpoint of a " + modelId + " job", "fromCheckpoint " + clip(ref)
                    + " continues " + owner.get().baseModel + ", not " + modelId + ": ask for that model (it is what the job is priced as)",
                    "JOB_FROM_CHECKPOINT_INVALID"));
        }
    }

    /**
     * The earlier job a second stage continues: the caller's own (another tenant's reads as unknown), SUCCEEDED, on the same
     * backend, which must be able to continue a job.
     */
    private Job sourceJob(String id, String backendName, Capabilities caps, String tenantId, Check check) {
        Job source = JOB_ID.matcher(id).matches() ? jobs.find(id).orElse(null) : null;
        if (source == null || !Objects.equals(source.tenantId, tenantId)) {
            check.add(new FieldViolation("fromJob", clip(id), "a SUCCEEDED job of yours on " + backendName, "fromJob " + clip(id) + " does not exist",
                    "JOB_FROM_JOB_INVALID"));
            return null;
        }
        if (caps.secondStage() == Capabilities.SecondStage.NONE) {
            check.add(new FieldViolation("fromJob", id, "not set on " + backendName, "the " + backendName + " backend cannot continue an earlier job",
                    "JOB_FROM_JOB_INVALID"));
            return null;
        }
        if (!source.backend.equals(backendName)) {
            check.add(new FieldViolation("fromJob", id, "a job on " + backendName, "fromJob " + id + " ran on " + source.backend
                    + "; a second stage runs on the same backend as its first", "JOB_FROM_JOB_INVALID"));
            return null;
        }
        if (source.status != JobStatus.SUCCEEDED || source.outputModel == null && source.providerJobId == null) {
            throw ApiException.conflict("JOB_FROM_JOB_INVALID", "fromJob " + id + " is " + source.status + ": only a SUCCEEDED job's result can "
                    + "be trained further").with("field", "fromJob").with("status", source.status.name());
        }
        return source;
    }

    /**
     * Where the second stage starts, by the backend's rule: Together from the first job's id, Fireworks from its output model,
     * OpenAI by training the output model itself, the engine and the cluster's trainer from its adapter in our bucket (whose
     * shape they keep). Returns the model the backend trains.
     */
    private static String secondStage(Job source, Capabilities caps, Map<SpecField<?>, Object> values, Map<SpecField<?>, Object> fromSource,
                                      Check check, String modelId) {
        if (values.containsKey(SpecField.FROM_CHECKPOINT)) {
            check.add(FieldViolation.setting("fromCheckpoint", values.get(SpecField.FROM_CHECKPOINT), "not with fromJob",
                    "give fromJob or fromCheckpoint, not both"));
            return modelId;
        }
        if (caps.secondStage().keepsAdapterShape()) {
            JsonNode earlier = SpecJson.tree(source.effectiveSpec).path("values");
            for (SpecField<?> field : List.of(SpecField.LORA_RANK, SpecField.LORA_ALPHA, SpecField.LORA_TARGET_MODULES)) {
                Object theirs = SpecJson.read(field, earlier.get(field.name()));
                AdapterShape.keep(field.name(), values.get(field), theirs, source.id).ifPresentOrElse(check::add, () -> {
                    if (theirs != null) {
                        values.remove(field);
                        fromSource.put(field, theirs);
                    }
                });
            }
        }
        switch (caps.secondStage()) {
            case PROVIDER_JOB -> fromSource.put(SpecField.FROM_CHECKPOINT, source.providerJobId);
            case OUTPUT_MODEL, ADAPTER_IN_BUCKET -> fromSource.put(SpecField.FROM_CHECKPOINT, source.outputModel);
            case AS_BASE_MODEL -> {
                return source.outputModel;
            }
            case NONE -> {
            }
        }
        return modelId;
    }

    /** Settings taken from the earlier job keep that as their source. */
    private static EffectiveSpec fromJob(EffectiveSpec spec, Set<SpecField<?>> fromSource) {
        if (fromSource.isEmpty()) {
            return spec;
        }
        Map<SpecField<?>, Setting<?>> settings = new LinkedHashMap<>(spec.settings());
        fromSource.forEach(f -> {
            Setting<?> s = settings.get(f);
            if (s != null) {
                settings.put(f, fromJobSetting(s.value()));
            }
        });
        return new EffectiveSpec(spec.datasets(), spec.baseModel(), spec.method(), settings);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Setting<?> fromJobSetting(Object value) {
        return new Setting(value, ValueSource.FROM_JOB);
    }

    /** The violations of one request, refused together. */
    private static final class Check {
        private final String backend;
        private final Capabilities caps;
        private final List<FieldViolation> violations = new ArrayList<>();
        private List<String> catalog;

        Check(String backend, Capabilities caps) {
            this.backend = backend;
            this.caps = caps;
        }

        void add(FieldViolation v) {
            violations.add(v);
        }

        boolean ok() {
            return violations.isEmpty();
        }

        /** Whether a field has been refused already (one problem per field is enough). */
        boolean refused(String field) {
            return violations.stream().anyMatch(v -> v.field().equals(field));
        }

        void throwIfAny(String modelId) {
            if (!violations.isEmpty()) {
                throw refusal(modelId);
            }
        }

        ApiException single(FieldViolation v, String modelId) {
            violations.add(v);
            return refusal(modelId);
        }

        /**
         * One 400 for every problem: the shared code of them all when they have one (JOB_HYPERPARAMETERS_INVALID for
         * settings, JOB_MODEL_UNKNOWN, ...), else JOB_REQUEST_INVALID; each entry names its field, value, what is allowed on
         * this backend, and has its own code.
         */
        private ApiException refusal(String modelId) {
            Set<String> codes = new java.util.LinkedHashSet<>(violations.stream().map(FieldViolation::code).toList());
            String code = codes.size() == 1 ? codes.iterator().next() : "JOB_REQUEST_INVALID";
            String subject = codes.size() == 1 && code.equals("JOB_HYPERPARAMETERS_INVALID") ? " setting(s) out of range"
                    : " problem(s) with the request";
            ApiException e = ApiException.badRequest(code, violations.size() + subject + " for " + (modelId == null ? "the job" : modelId)
                            + " on " + backend + ": " + String.join("; ", violations.stream().map(FieldViolation::message).toList()))
                    .with("backend", backend).with("errors", violations);
            if (violations.size() == 1 && violations.get(0).field() != null) {
                e.with("field", violations.get(0).field());
            }
            if (catalog != null) {
                e.with("catalog", catalog);
            }
            if (codes.contains("JOB_METHOD_INVALID")) {
                e.with("allowed", caps.methods().stream().map(TrainingMethod::wireName).toList());
            }
            return e;
        }
    }

    private static Object shown(Object value) {
        return value instanceof Enum<?> e ? e.name().toLowerCase(java.util.Locale.ROOT) : value;
    }

    private static SpecField<?> safeField(String name) {
        try {
            return SpecField.byName(name);
        } catch (SpecException e) {
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String clip(String s) {
        return s == null || s.length() <= 100 ? s : s.substring(0, 100) + "... (" + s.length() + " characters)";
    }

    /**
     * Resolving a spec reads no dataset bytes, so at submission the files are placeholders; the attempt builds the real
     * ones (S3 streams with their sizes) right before uploading.
     */
    private static DatasetRefs notYetMeasured() {
        return DatasetRefs.trainingOnly(new DatasetFile("train.jsonl", DatasetFormat.JSONL, 1, InputStream::nullInputStream));
    }
}
