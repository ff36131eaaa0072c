package dev.refinery.training.service;

import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.kubernetes.KubernetesTrainerBackend;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.SpecException;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.providers.spec.TrainingMethod;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.training.mapping.ProviderSpecJson;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.rest.JobRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a request for a hosted provider into a job ready to record, refusing it first when anything is wrong: the
 * model against the catalog, every setting against the spec's ranges and the model's limits (all listed at once), the
 * tenant's key, the dataset, the budget (before any call to the provider), then the provider's own view of the spec
 * (its defaults and what it cannot express). The {@code kubernetes} backend has no catalog entry and no price: its model is
 * whatever the trainer image loads, and no budget applies.
 */
@ApplicationScoped
public class ProviderJobPlanner {

    @Inject
    CatalogHolder catalog;

    @Inject
    ProviderBackends backends;

    @Inject
    Budgets budgets;

    /** A checked job (not yet stored) and its estimate. */
    public record Plan(Job job, Budgets.Estimate estimate) {
    }

    public Plan plan(JobRequest request, String backendName, String tenantId, String datasetId) {
        boolean cluster = KubernetesTrainerBackend.NAME.equals(backendName);
        // Our own trainer on the cluster: refused first when this service has it off, naming the setting to turn on.
        TrainingBackend clusterBackend = cluster ? backends.forTenant(tenantId, backendName) : null;
        TrainingMethod method = method(request.method());
        if (cluster) {
            refuseWhatTheClusterWorkerCannotDo(request);
        }
        Job source = request.fromJob() == null || request.fromJob().isBlank() ? null
                : sourceJob(request.fromJob().strip(), backendName, tenantId);
        String requestedModel = source != null ? source.baseModel : request.baseModel();
        if (requestedModel == null || requestedModel.isBlank()) {
            throw ApiException.badRequest("JOB_MODEL_UNKNOWN", "baseModel is required for the " + backendName + " backend; models: "
                    + (cluster ? "a Hugging Face Hub id (e.g. meta-llama/Llama-3.2-1B-Instruct) or a folder under the trainer's "
                    + "REFINERY_TRAINER_MODELS_DIR" : catalog.get().list(backendName).stream().map(CatalogModel::id).toList()))
                    .with("field", "baseModel");
        }
        // The catalog prices and limits hosted models; the cluster trains whatever the trainer image can load.
        CatalogModel model = cluster ? null : catalogModel(backendName, requestedModel.strip());
        String modelId = cluster ? requestedModel.strip() : model.id();

        ProviderSpecJson.Read read = ProviderSpecJson.read(request.hyperparameters());
        List<HyperparameterValidator.Violation> violations = new ArrayList<>(read.violations());
        Map<SpecField<?>, Object> values = new LinkedHashMap<>(read.values());
        if (model != null) {
            checkAgainstModel(model, method, values, violations);
        } else if (values.get(SpecField.TRAINING_TYPE) == dev.refinery.providers.spec.TrainingType.FULL) {
            // Its result is a whole model, and job-completed v1 promises an adapter for SUCCEEDED (as on the local engine).
            violations.add(new HyperparameterValidator.Violation("trainingType", "full", "[lora]",
                    "the kubernetes backend runs LoRA jobs only here: a full fine-tune's result is a whole model, not the adapter job-completed v1 carries"));
        }
        if (cluster && source == null && values.containsKey(SpecField.FROM_CHECKPOINT)) {
            // On the cluster a checkpoint is a folder in the shared bucket: naming one directly could reach another tenant's
            // adapter, so the starting point is always resolved from a job of the caller's own (fromJob, checked above).
            violations.add(new HyperparameterValidator.Violation("fromCheckpoint", values.get(SpecField.FROM_CHECKPOINT), "fromJob instead",
                    "the kubernetes backend continues from an earlier job named by fromJob, not from a checkpoint reference"));
        }
        if (source != null) {
            if (values.containsKey(SpecField.FROM_CHECKPOINT)) {
                violations.add(new HyperparameterValidator.Violation("fromCheckpoint", values.get(SpecField.FROM_CHECKPOINT), "not with fromJob",
                        "give fromJob or fromCheckpoint, not both"));
            } else if (!"openai".equals(backendName)) {
                if (cluster) {
                    keepTheStartingAdapterShape(source, values, violations);
                }
                // Together continues from its job id; Fireworks from the output model, and so does the cluster's trainer, whose
                // output model is the adapter folder s3://bucket/jobs/{id}/adapter/ (written to the trainer as initAdapter).
                // OpenAI trains the output model itself (below).
                values.put(SpecField.FROM_CHECKPOINT, "together".equals(backendName) ? source.providerJobId : source.outputModel);
            }
        }
        String specModel = source != null && "openai".equals(backendName) ? source.outputModel : modelId;
        JobSpec spec = null;
        if (violations.isEmpty()) {
            try {
                spec = new JobSpec(notYetMeasured(), specModel, method, SpecValues.of(values));
            } catch (SpecException e) {
                violations.add(new HyperparameterValidator.Violation(e.field(), values.get(safeField(e.field())), "see message", e.getMessage()));
            }
        }
        if (!violations.isEmpty()) {
            throw ApiException.badRequest("JOB_HYPERPARAMETERS_INVALID", violations.size() + " setting(s) out of range for " + modelId + " on "
                            + backendName + ": " + String.join("; ", violations.stream().map(HyperparameterValidator.Violation::message).toList()))
                    .with("errors", violations);
        }

        TrainingBackend backend = cluster ? clusterBackend : backends.forTenant(tenantId, backendName);
        Dataset dataset = trainableDataset(datasetId);
        Budgets.Estimate estimate;
        if (cluster) {
            // The cluster's GPUs are the operator's: nothing is billed per job, so no estimate and no budget applies.
            estimate = new Budgets.Estimate(null, "not priced: the kubernetes backend trains on the cluster's own GPUs");
        } else {
            dev.refinery.catalog.TrainingType type = spec.trainingType() == dev.refinery.providers.spec.TrainingType.FULL
                    ? dev.refinery.catalog.TrainingType.FULL : "openai".equals(backendName) ? dev.refinery.catalog.TrainingType.MANAGED
                    : dev.refinery.catalog.TrainingType.LORA;
            estimate = budgets.estimate(backendName, model.id(), catalogMethod(method), type,
                    spec.settings().get(SpecField.EPOCHS).orElse(null), spec.settings().get(SpecField.N_EVALS).orElse(0), dataset);
            budgets.check(tenantId, request.budgetUsd(), estimate);
        }

        EffectiveSpec effective;
        try {
            effective = backend.resolve(spec, SpecValues.EMPTY);
            backend.capabilities().refuseUnsupported(backendName, effective);
        } catch (ProviderException e) {
            throw ProviderErrors.toApi(e, "checking the spec with " + backendName);
        } catch (SpecException e) {
            throw ApiException.badRequest("JOB_HYPERPARAMETERS_INVALID", e.getMessage()).with("errors",
                    List.of(new HyperparameterValidator.Violation(e.field(), null, "see message", e.getMessage())));
        }

        Job job = new Job();
        job.backend = backendName;
        job.tenantId = tenantId;
        job.datasetId = datasetId;
        job.baseModel = modelId;
        job.method = method.name().toLowerCase(Locale.ROOT);
        job.fromJobId = source == null ? null : source.id;
        job.budgetUsd = request.budgetUsd();
        Map<String, Object> v = ProviderSpecJson.values(effective);
        Map<String, String> s = ProviderSpecJson.sources(effective);
        if (!specModel.equals(modelId)) {
            v.put("model", specModel);
            s.put("model", "from_job");
        }
        job.hyperparameters = ProviderSpecJson.write(v);
        job.hyperparameterSources = ProviderSpecJson.write(s);
        job.effectiveSpec = ProviderSpecJson.effectiveSpecJson(v, s);
        job.request = ProviderSpecJson.write(request);
        if (estimate.cost() != null && estimate.cost().priced()) {
            job.estimateLowUsd = estimate.cost().low();
            job.estimateExpectedUsd = estimate.cost().expected();
            job.estimateHighUsd = estimate.cost().high();
        }
        job.estimateNote = (estimate.cost() == null ? "" : estimate.cost().summary() + "; ") + estimate.basis();
        return new Plan(job, estimate);
    }

    /** The effective spec as stored, back into a spec the backend can create from (datasets filled in by the submitter). */
    public static TrainingMethod method(String raw) {
        if (raw == null || raw.isBlank() || raw.equalsIgnoreCase("sft")) {
            return TrainingMethod.SFT;
        }
        if (raw.equalsIgnoreCase("dpo")) {
            return TrainingMethod.DPO;
        }
        throw ApiException.badRequest("JOB_METHOD_INVALID", "method must be sft or dpo, got '" + raw + "'").with("field", "method")
                .with("allowed", List.of("sft", "dpo"));
    }

    private CatalogModel catalogModel(String backendName, String requested) {
        try {
            return catalog.get().require(backendName, requested);
        } catch (CatalogException e) {
            throw ApiException.badRequest("JOB_MODEL_UNKNOWN", e.getMessage()).with("field", "baseModel")
                    .with("catalog", catalog.get().list(backendName).stream().map(CatalogModel::id).toList());
        }
    }

    /**
     * What the cluster's trainer has no use for, refused up front in the words of the request rather than as a spec
     * field: a budget (nothing is priced). DPO and a second stage from an earlier job (fromJob) it runs.
     */
    private static void refuseWhatTheClusterWorkerCannotDo(JobRequest request) {
        if (request.budgetUsd() != null) {
            throw ApiException.badRequest("JOB_FIELD_UNSUPPORTED", "budgetUsd caps what a hosted provider bills; the kubernetes backend "
                    + "trains on the cluster's own GPUs and is not priced (its Jobs end at refinery.training.kubernetes.active-deadline)")
                    .with("field", "budgetUsd");
        }
    }

    /** The cluster's trainer trains the earlier job's adapter further: its shape stays (see {@link AdapterShape}). */
    private static void keepTheStartingAdapterShape(Job source, Map<SpecField<?>, Object> values,
                                                    List<HyperparameterValidator.Violation> violations) {
        com.fasterxml.jackson.databind.JsonNode earlier = ProviderSpecJson.tree(source.effectiveSpec);
        for (SpecField<?> field : List.of(SpecField.LORA_RANK, SpecField.LORA_ALPHA, SpecField.LORA_TARGET_MODULES)) {
            Object theirs = earlier == null ? null : earlier.path("values").get(field.name());
            AdapterShape.keep(field.name(), values.get(field), theirs, source.id).ifPresent(violations::add);
        }
    }

    static dev.refinery.catalog.TrainingMethod catalogMethod(TrainingMethod m) {
        return m == TrainingMethod.DPO ? dev.refinery.catalog.TrainingMethod.DPO : dev.refinery.catalog.TrainingMethod.SFT;
    }

    /** The catalog's limits for this model: the method, the training type, the LoRA rank. */
    private static void checkAgainstModel(CatalogModel model, TrainingMethod method, Map<SpecField<?>, Object> values,
                                          List<HyperparameterValidator.Violation> violations) {
        if (!model.supports(catalogMethod(method))) {
            violations.add(new HyperparameterValidator.Violation("method", method.name().toLowerCase(Locale.ROOT),
                    model.methods().stream().map(dev.refinery.catalog.TrainingMethod::wireName).sorted().toList().toString(),
                    model.id() + " on " + model.backend() + " does not train with " + method.name().toLowerCase(Locale.ROOT)));
        }
        Object type = values.get(SpecField.TRAINING_TYPE);
        if (type == dev.refinery.providers.spec.TrainingType.FULL && !model.supports(dev.refinery.catalog.TrainingType.FULL)) {
            violations.add(new HyperparameterValidator.Violation("trainingType", "full",
                    model.trainingTypes().stream().map(dev.refinery.catalog.TrainingType::wireName).sorted().toList().toString(),
                    model.id() + " on " + model.backend() + " does not offer full fine-tuning"));
        }
        Object rank = values.get(SpecField.LORA_RANK);
        Integer max = model.loraLimits().map(l -> l.maxRank()).orElse(null);
        if (rank instanceof Integer r && max != null && r > max) {
            violations.add(new HyperparameterValidator.Violation("loraRank", r, "1.." + max,
                    "loraRank must be between 1 and " + max + " for " + model.id() + ", got " + r));
        }
    }

    /** The earlier job a second stage continues: the caller's own (another tenant's reads as unknown), SUCCEEDED, same backend. */
    @Transactional
    Job sourceJob(String id, String backendName, String tenantId) {
        Job source = Job.findById(id);
        if (source == null || !java.util.Objects.equals(source.tenantId, tenantId)) {
            throw ApiException.badRequest("JOB_FROM_JOB_INVALID", "fromJob " + id + " does not exist").with("field", "fromJob");
        }
        if (!JobStatus.SUCCEEDED.name().equals(source.status) || source.outputModel == null && source.providerJobId == null) {
            throw ApiException.conflict("JOB_FROM_JOB_INVALID", "fromJob " + id + " is " + source.status + ": only a SUCCEEDED job's result can be "
                    + "trained further").with("field", "fromJob");
        }
        if (!source.backend.equals(backendName)) {
            throw ApiException.badRequest("JOB_FROM_JOB_INVALID", "fromJob " + id + " ran on " + source.backend + "; a second stage runs on the "
                    + "same backend as its first").with("field", "fromJob");
        }
        return source;
    }

    /** The dataset checks of submission, before the estimate needs its numbers. */
    @Transactional
    public Dataset trainableDataset(String datasetId) {
        Dataset dataset = Dataset.findById(datasetId);
        if (dataset == null) {
            throw ApiException.notFound("JOB_DATASET_NOT_FOUND", "no validated dataset " + datasetId + " is known to training-service")
                    .with("hint", "if the dataset was uploaded just now, validation may still be running: retry once its validation report is out");
        }
        if (!dataset.isValid() || dataset.trainKey == null) {
            throw ApiException.conflict("JOB_DATASET_NOT_VALID", "dataset " + datasetId + " is " + dataset.status
                    + (dataset.isValid() ? " but has no train split" : ": only VALID datasets can be trained on")).with("datasetStatus", dataset.status);
        }
        return dataset;
    }

    private static SpecField<?> safeField(String name) {
        try {
            return SpecField.byName(name);
        } catch (SpecException e) {
            return null;
        }
    }

    /**
     * Resolving a spec reads no dataset bytes, so at submission the files are placeholders; the submitter builds the
     * real ones (S3 streams with their sizes) right before uploading.
     */
    private static DatasetRefs notYetMeasured() {
        return DatasetRefs.trainingOnly(new DatasetFile("train.jsonl", DatasetFormat.JSONL, 1, () -> new ByteArrayInputStream(new byte[0])));
    }
}
