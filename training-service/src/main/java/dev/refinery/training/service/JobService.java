package dev.refinery.training.service;

import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.events.JobSubmitted;
import dev.refinery.training.mapping.HyperparameterJson;
import dev.refinery.training.mapping.JobMapper;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobEvent;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.repository.JobStepMetric;
import dev.refinery.training.repository.JobValidationLoss;
import dev.refinery.training.rest.JobRequest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Accepting jobs: the request is checked (backend, base model, every hyperparameter, the dataset's
 * verdict), then the job row (QUEUED, with its effective hyperparameters) and its {@code job-submitted}
 * event are written in one transaction. A refused request records nothing.
 */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final Pattern JOB_ID = Pattern.compile("^ft-[0-9a-f]{32}$");
    public static final List<String> BACKENDS = List.of("local", "together", "fireworks", "openai", "kubernetes");

    @Inject
    ModelCatalog catalog;

    @Inject
    Outbox outbox;

    @Inject
    TrainingSettings settings;

    @Inject
    MeterRegistry registry;

    @Inject
    ProviderJobPlanner planner;

    @Inject
    ProviderJobs providerJobs;

    @Inject
    JobLifecycle lifecycle;

    @Inject
    LocalSecondStage secondStage;

    /** The outcome of a submission: the job, and whether this call created it (false for an idempotent repeat). */
    public record Submission(Job job, boolean created) {
    }

    public Submission submit(JobRequest request, String idempotencyKey) {
        return submit(request, idempotencyKey, DEFAULT_TENANT);
    }

    public static final String DEFAULT_TENANT = "default";

    public Submission submit(JobRequest request, String idempotencyKey, String tenantId) {
        if (request == null) {
            throw ApiException.badRequest("REQUEST_BODY_INVALID", "send a JSON object with datasetId (and optionally baseModel, backend, hyperparameters)");
        }
        String backend = request.backend() == null || request.backend().isBlank() ? "local" : request.backend().strip();
        if (!BACKENDS.contains(backend)) {
            throw refused("backend_unsupported", ApiException.badRequest("JOB_BACKEND_UNSUPPORTED",
                    "backend '" + backend + "' is not supported; supported: " + String.join(", ", BACKENDS)).with("supported", BACKENDS));
        }
        String datasetId = request.datasetId();
        if (datasetId == null || !DATASET_ID.matcher(datasetId).matches()) {
            throw refused("dataset_id_invalid", ApiException.badRequest("JOB_DATASET_ID_INVALID",
                    "datasetId must be a dataset id (ds- followed by 32 hex digits), got " + (datasetId == null ? "nothing" : "'" + datasetId + "'"))
                    .with("field", "datasetId"));
        }
        if (!"local".equals(backend)) {
            return submitToProvider(request, backend, tenantId, datasetId, idempotencyKey);
        }
        if (request.budgetUsd() != null) {
            throw refused("field_unsupported", ApiException.badRequest("JOB_FIELD_UNSUPPORTED", "budgetUsd applies to provider "
                    + "backends; the local engine costs nothing").with("field", "budgetUsd"));
        }
        boolean dpo;
        try {
            dpo = ProviderJobPlanner.method(request.method()) == dev.refinery.catalog.TrainingMethod.DPO;
        } catch (ApiException e) {
            throw refused("method_invalid", e);
        }
        String method = dpo ? "dpo" : "sft";
        String requestedModel = request.baseModel() == null || request.baseModel().isBlank() ? null : request.baseModel().strip();
        Job source = null;
        if (request.fromJob() != null && !request.fromJob().isBlank()) {
            try {
                source = secondStage.source(request.fromJob().strip(), tenantId, requestedModel);
            } catch (ApiException e) {
                throw refused("from_job_invalid", e);
            }
        }
        String baseModel = requestedModel != null ? requestedModel : source != null ? source.baseModel : settings.defaultBaseModel();
        ModelCatalog.Model model = catalog.find(baseModel).orElseThrow(() -> refused("model_unknown", ApiException.badRequest("JOB_MODEL_UNKNOWN",
                "base model '" + baseModel + "' is not in the catalog; available: " + String.join(", ", catalog.ids()))
                .with("catalog", catalog.ids())));
        HyperparameterValidator.Result hp = HyperparameterValidator.resolve(request.hyperparameters(), model.contextLength(), dpo);
        if (hp.valid() && source != null) {
            hp = LocalSecondStage.adoptAdapterShape(hp.hyperparameters(), source);
        }
        if (!hp.valid()) {
            throw refused("hyperparameters_invalid", ApiException.badRequest("JOB_HYPERPARAMETERS_INVALID",
                    hp.violations().size() + " hyperparameter(s) out of range: "
                            + String.join("; ", hp.violations().stream().map(HyperparameterValidator.Violation::message).toList()))
                    .with("errors", hp.violations()));
        }
        String fromJobId = source == null ? null : source.id;
        if (idempotencyKey != null) {
            Optional<Job> earlier = findByIdempotencyKey(idempotencyKey);
            if (earlier.isPresent()) {
                return new Submission(sameRequestOrConflict(earlier.get(), datasetId, baseModel, backend, method, fromJobId, hp.hyperparameters()),
                        false);
            }
        }
        Job job = newJob(datasetId, baseModel, backend, hp.hyperparameters(), idempotencyKey);
        job.tenantId = tenantId;
        job.method = method;
        job.fromJobId = fromJobId;
        job.request = dev.refinery.training.mapping.ProviderSpecJson.write(request);
        Optional<Job> winner = recordUnlessRaced(job, idempotencyKey);
        if (winner.isPresent()) {
            return new Submission(winner.get(), false);
        }
        registry.counter("refinery_training_jobs_submitted_total", "backend", backend).increment();
        LOG.infof("job %s queued: %s on dataset %s (%s backend)", job.id, baseModel, datasetId, backend);
        return new Submission(job, true);
    }

    /**
     * Records a new job; when a concurrent request with the same idempotency key won the race to record
     * its own, returns that job instead (and records nothing).
     */
    private Optional<Job> recordUnlessRaced(Job job, String idempotencyKey) {
        try {
            record(job);
            return Optional.empty();
        } catch (RuntimeException e) {
            Optional<Job> winner = idempotencyKey == null ? Optional.empty() : findByIdempotencyKey(idempotencyKey);
            if (winner.isPresent()) {
                return winner;
            }
            throw e;
        }
    }

    /**
     * A hosted-provider job: everything is checked (model, settings, key, dataset, budget, the provider's view of the spec)
     * before the job is recorded; the upload and create happen after commit, on the submitter pool.
     */
    private Submission submitToProvider(JobRequest request, String backend, String tenantId, String datasetId, String idempotencyKey) {
        String requestJson = dev.refinery.training.mapping.ProviderSpecJson.write(request);
        if (idempotencyKey != null) {
            Optional<Job> earlier = findByIdempotencyKey(idempotencyKey);
            if (earlier.isPresent()) {
                return new Submission(sameProviderRequestOrConflict(earlier.get(), requestJson), false);
            }
        }
        ProviderJobPlanner.Plan plan;
        try {
            plan = planner.plan(request, backend, tenantId, datasetId);
        } catch (ApiException e) {
            throw refused(e.code().toLowerCase(java.util.Locale.ROOT), e);
        }
        Job job = plan.job();
        job.id = "ft-" + UUID.randomUUID().toString().replace("-", "");
        job.status = JobStatus.QUEUED.name();
        job.idempotencyKey = idempotencyKey;
        job.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        Optional<Job> winner = recordUnlessRaced(job, idempotencyKey);
        if (winner.isPresent()) {
            return new Submission(winner.get(), false);
        }
        registry.counter("refinery_training_jobs_submitted_total", "backend", backend).increment();
        LOG.infof("job %s queued: %s on dataset %s (%s backend, tenant %s, %s)", job.id, job.baseModel, datasetId, backend, tenantId, job.estimateNote);
        return new Submission(job, true);
    }

    private Job sameProviderRequestOrConflict(Job earlier, String requestJson) {
        com.fasterxml.jackson.databind.JsonNode before = dev.refinery.training.mapping.ProviderSpecJson.tree(earlier.request);
        if (before == null || !before.equals(dev.refinery.training.mapping.ProviderSpecJson.tree(requestJson))) {
            throw new ApiException(422, "JOB_IDEMPOTENCY_KEY_REUSED", "Unprocessable request", "this Idempotency-Key was used for job "
                    + earlier.id + " with a different request; use a new key for a different job").with("jobId", earlier.id);
        }
        return earlier;
    }

    /** Submits the same request again as a new job (the same spec; defaults resolved anew). */
    public Submission rerun(String id, String tenantId) {
        Job earlier = get(id);
        JobRequest request;
        if (earlier.request != null) {
            try {
                request = new com.fasterxml.jackson.databind.ObjectMapper().readValue(earlier.request, JobRequest.class);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("stored request of " + id + " is unreadable", e);
            }
        } else {
            Hyperparameters h = HyperparameterJson.read(earlier.hyperparameters, earlier.hyperparameterSources);
            Map<String, Object> userValues = new LinkedHashMap<>();
            h.values().forEach((k, v) -> {
                if (Hyperparameters.USER.equals(h.sources().get(k))) {
                    userValues.put(k, v);
                }
            });
            request = new JobRequest(earlier.datasetId, earlier.baseModel, earlier.backend,
                    new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(userValues));
        }
        return submit(request, null, earlier.tenantId == null ? tenantId : earlier.tenantId);
    }

    /**
     * Cancels a job: one not started (or not yet at its provider) ends CANCELLED at once; one at a provider goes
     * CANCELLING until the provider confirms. A finished job is 409.
     */
    public Job cancel(String id, String reason) {
        Job job = get(id);
        if (job.isFinished()) {
            throw ApiException.conflict("JOB_ALREADY_FINISHED", "job " + id + " is already " + job.status).with("status", job.status);
        }
        String why = reason == null || reason.isBlank() ? "cancelled by request" : reason.strip();
        if (job.isLocal()) {
            lifecycle.requestCancel(id, why);
        } else {
            providerJobs.cancel(id, job.tenantId, job.backend, why, false);
        }
        registry.counter("refinery_training_jobs_cancel_requests_total", "backend", job.backend).increment();
        return get(id);
    }

    @Transactional
    public List<dev.refinery.training.repository.JobCheckpoint> providerCheckpoints(String id) {
        return dev.refinery.training.repository.JobCheckpoint.ofJob(get(id).id);
    }

    /** Writes the job, its first history entry and job-submitted, after checking the dataset, in one transaction. */
    @Transactional
    void record(Job job) {
        Dataset dataset = Dataset.findById(job.datasetId);
        if (dataset == null) {
            throw refused("dataset_not_found", ApiException.notFound("JOB_DATASET_NOT_FOUND", "no validated dataset " + job.datasetId
                    + " is known to training-service")
                    .with("hint", "if the dataset was uploaded just now, validation may still be running: retry once its validation report is out"));
        }
        if (!dataset.isValid()) {
            throw refused("dataset_not_valid", ApiException.conflict("JOB_DATASET_NOT_VALID", "dataset " + job.datasetId + " is " + dataset.status
                    + ": only VALID datasets can be trained on; fix the problems its validation report lists and upload it again")
                    .with("datasetStatus", dataset.status));
        }
        if (dataset.trainKey == null) {
            throw refused("dataset_without_train_split", ApiException.conflict("JOB_DATASET_NOT_VALID", "dataset " + job.datasetId
                    + " is VALID but has no train split to learn from").with("datasetStatus", dataset.status));
        }
        job.persist();
        JobEvent.record(job.id, JobEvent.Type.QUEUED, null, "job accepted: " + job.baseModel + " on dataset " + job.datasetId
                + " (" + dataset.trainRecords + " training records), " + job.backend + " backend"
                + (job.estimateNote == null ? "" : "; estimate: " + job.estimateNote));
        outbox.publish(JobSubmitted.TOPIC, job.id, JobMapper.toSubmitted(job));
    }

    private Job sameRequestOrConflict(Job earlier, String datasetId, String baseModel, String backend, String method, String fromJobId,
                                      Hyperparameters h) {
        Hyperparameters recorded = HyperparameterJson.read(earlier.hyperparameters, earlier.hyperparameterSources);
        boolean same = earlier.datasetId.equals(datasetId) && earlier.baseModel.equals(baseModel) && earlier.backend.equals(backend)
                && earlier.method.equals(method) && java.util.Objects.equals(earlier.fromJobId, fromJobId)
                && comparable(recorded.values()).equals(comparable(h.values()));
        if (!same) {
            throw new ApiException(422, "JOB_IDEMPOTENCY_KEY_REUSED", "Unprocessable request", "this Idempotency-Key was used for job "
                    + earlier.id + " with a different request; use a new key for a different job").with("jobId", earlier.id);
        }
        return earlier;
    }

    /** Numbers compared by value (a stored 16 and a requested 16.0 are the same setting). */
    private static Map<String, Object> comparable(Map<String, Object> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof Number n ? (Object) n.doubleValue() : v));
        return out;
    }

    private Job newJob(String datasetId, String baseModel, String backend, Hyperparameters h, String idempotencyKey) {
        Job job = new Job();
        job.id = "ft-" + UUID.randomUUID().toString().replace("-", "");
        job.datasetId = datasetId;
        job.baseModel = baseModel;
        job.backend = backend;
        job.status = JobStatus.QUEUED.name();
        job.hyperparameters = HyperparameterJson.values(h);
        job.hyperparameterSources = HyperparameterJson.sources(h);
        job.idempotencyKey = idempotencyKey;
        job.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return job;
    }

    @Transactional
    Optional<Job> findByIdempotencyKey(String key) {
        return Job.byIdempotencyKey(key);
    }

    @Transactional
    public Job get(String id) {
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw ApiException.badRequest("JOB_ID_INVALID", "'" + id + "' is not a job id (ft- followed by 32 hex digits)").with("field", "id");
        }
        Job job = Job.findById(id);
        if (job == null) {
            throw ApiException.notFound("JOB_NOT_FOUND", "no job " + id);
        }
        return job;
    }

    @Transactional
    public List<Job> recent(String status, int limit) {
        if (status != null) {
            try {
                JobStatus.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("JOB_STATUS_INVALID", "status must be one of " + java.util.Arrays.toString(JobStatus.values())
                        + ", got '" + status + "'")
                        .with("field", "status");
            }
        }
        return Job.recent(status, limit);
    }

    @Transactional
    public List<JobStepMetric> stepMetrics(String id) {
        return JobStepMetric.ofJob(get(id).id);
    }

    @Transactional
    public List<JobValidationLoss> validationLosses(String id) {
        return JobValidationLoss.ofJob(get(id).id);
    }

    @Transactional
    public List<JobEvent> history(String id) {
        return JobEvent.ofJob(get(id).id);
    }

    private ApiException refused(String reason, ApiException e) {
        registry.counter("refinery_training_jobs_refused_total", "reason", reason).increment();
        return e;
    }
}
