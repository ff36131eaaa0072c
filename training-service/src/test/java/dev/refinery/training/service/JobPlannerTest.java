package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.catalog.CatalogErrorCode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.ContextLengths;
import dev.refinery.catalog.LoraLimits;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;
import dev.refinery.providers.together.TogetherBackend;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.backend.local.LocalEngineBackend;
import dev.refinery.training.mapping.SpecJson;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import dev.refinery.training.rest.JobRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one planner without Quarkus: the backends, the dataset, the budget and earlier jobs are stand-ins; what is tested
 * is the planner's own rules (every problem in one answer, each backend's fields and ranges, sources, second stages).
 */
class JobPlannerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATASET = "ds-5f0c1b2a9d8e4f7a8b6c3d2e1f0a9b8c";
    private static final String TOGETHER_MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference";
    private static final String TENANT = "t-1";

    private final Map<String, Job> jobs = new HashMap<>();
    private JobPlanner planner;

    @BeforeEach
    void planner() {
        planner = new JobPlanner();
        planner.backends = new StandInBackends();
        planner.budgets = new Budgets() {
            @Override
            public Estimate estimate(String backend, String model, TrainingMethod method, TrainingType type, Integer epochs, int evaluations,
                                     Dataset dataset) {
                return new Estimate(null, "not priced in this test");
            }

            @Override
            public void check(String tenantId, BigDecimal jobCap, Estimate estimate) {
            }
        };
        planner.datasets = new DatasetLookup() {
            @Override
            public Dataset trainable(String tenant, String datasetId) {
                Dataset d = new Dataset();
                d.id = datasetId;
                d.tenant = tenant;
                d.status = Dataset.VALID;
                d.trainKey = "datasets/" + datasetId + "/validated/train.jsonl";
                return d;
            }
        };
        planner.jobs = new JobLookup() {
            @Override
            public Optional<Job> find(String id) {
                return Optional.ofNullable(jobs.get(id));
            }

            @Override
            public Optional<Job> byProviderJob(String tenantId, String backend, String providerJobId) {
                return jobs.values().stream().filter(j -> j.tenantId.equals(tenantId) && j.backend.equals(backend)
                        && providerJobId.equals(j.providerJobId)).findFirst();
            }
        };
    }

    @Test
    void aCheckpointReferenceMustBeOneOfTheTenantsOwnJobsOfTheModelAskedFor() {
        Job theirs = new Job();
        theirs.id = "ft-00000000000000000000000000000001";
        theirs.tenantId = "t-other";
        theirs.backend = "together";
        theirs.baseModel = TOGETHER_MODEL;
        theirs.providerJobId = "ft-together-theirs";
        jobs.put(theirs.id, theirs);
        ApiException e = assertThrows(ApiException.class, () -> planner.plan(request(DATASET, "together", null,
                "{\"fromCheckpoint\": \"ft-together-theirs:10\"}", null, TOGETHER_MODEL), TENANT));
        assertEquals("JOB_FROM_CHECKPOINT_INVALID", codesByField(e).get("fromCheckpoint"), "another tenant's checkpoint reads as none");

        Job mine = new Job();
        mine.id = "ft-00000000000000000000000000000002";
        mine.tenantId = TENANT;
        mine.backend = "together";
        mine.baseModel = "meta-llama/Meta-Llama-3.1-70B-Instruct-Reference";
        mine.providerJobId = "ft-together-mine";
        jobs.put(mine.id, mine);
        ApiException other = assertThrows(ApiException.class, () -> planner.plan(request(DATASET, "together", null,
                "{\"fromCheckpoint\": \"ft-together-mine\"}", null, TOGETHER_MODEL), TENANT));
        assertTrue(violation(other, "fromCheckpoint").message().contains("continues meta-llama/Meta-Llama-3.1-70B"),
                "priced as what it continues: " + violation(other, "fromCheckpoint").message());
    }

    @Test
    void everyProblemOfARequestIsInOneAnswerEachWithItsFieldAndCode() {
        ApiException e = assertThrows(ApiException.class, () -> planner.plan(request("nope", null, "ppo",
                "{\"epochs\": 0, \"learningRate\": 5, \"warp\": 1, \"fromCheckpoint\": \"s3://refinery/jobs/x/adapter/\"}",
                new BigDecimal("5"), null), TENANT));
        assertEquals(400, e.status());
        assertEquals("JOB_REQUEST_INVALID", e.code(), "problems of several kinds");
        Map<String, String> codes = codesByField(e);
        assertEquals("JOB_DATASET_ID_INVALID", codes.get("datasetId"));
        assertEquals("JOB_METHOD_INVALID", codes.get("method"));
        assertEquals("JOB_FIELD_UNSUPPORTED", codes.get("budgetUsd"));
        assertEquals("JOB_HYPERPARAMETERS_INVALID", codes.get("epochs"));
        assertEquals("JOB_HYPERPARAMETERS_INVALID", codes.get("learningRate"));
        assertEquals("JOB_HYPERPARAMETERS_INVALID", codes.get("warp"));
        assertEquals("JOB_HYPERPARAMETERS_INVALID", codes.get("fromCheckpoint"));
        assertEquals("an integer from 1 to 100", violation(e, "epochs").allowed(), "the backend's own range");
        assertEquals(5, violation(e, "learningRate").value(), "the value as sent");
        assertTrue(violation(e, "warp").allowed().contains("gradientAccumulation"), "the backend's settings are listed");
        assertTrue(violation(e, "fromCheckpoint").message().contains("fromJob"), violation(e, "fromCheckpoint").message());
        assertEquals("local", e.details().get("backend"));
    }

    @Test
    void aSettingTheChosenBackendDoesNotTakeIsRefusedNamingWhatItTakes() {
        ApiException e = assertThrows(ApiException.class, () -> planner.plan(request(DATASET, "together", null,
                "{\"gradientAccumulation\": 2, \"batching\": \"packed\", \"lrScheduler\": \"constant\"}", null, TOGETHER_MODEL), TENANT));
        assertEquals("JOB_HYPERPARAMETERS_INVALID", e.code());
        assertEquals(Set.of("gradientAccumulation", "batching", "lrScheduler"), codesByField(e).keySet());
        assertTrue(violation(e, "gradientAccumulation").message().contains("together has no equivalent"));
        assertEquals("one of [linear, cosine]", violation(e, "lrScheduler").allowed(), "Together's schedules, not the engine's");
    }

    @Test
    void anOversizedFieldIsRefusedBeforeItCanReachAnEvent() {
        String huge = "x".repeat(1_200_000);
        ApiException e = assertThrows(ApiException.class, () -> planner.plan(request(DATASET, "together", null,
                JSON.createObjectNode().put("fromCheckpoint", huge).toString(), null, "m".repeat(300)), TENANT));
        assertEquals("JOB_FIELD_TOO_LONG", e.code());
        assertTrue(codesByField(e).containsKey("fromCheckpoint"));
        assertTrue(codesByField(e).containsKey("baseModel"));
        assertTrue(e.getMessage().length() < 20_000, "the answer does not echo the field back");
    }

    @Test
    void theEffectiveSpecKeepsWhereEachValueCameFrom() throws Exception {
        Job job = planner.plan(request(DATASET, null, null, "{\"epochs\": 2, \"trainingType\": \"full\"}", null, null), TENANT).job();
        JsonNode spec = JSON.readTree(job.effectiveSpec);
        assertEquals(2, spec.path("values").path("epochs").asInt());
        assertEquals("user", spec.path("sources").path("epochs").asText());
        assertEquals("provider_default", spec.path("sources").path("learningRate").asText());
        assertEquals("full", spec.path("values").path("trainingType").asText(), "full fine-tuning on the engine");
        assertTrue(spec.path("values").path("loraRank").isMissingNode(), "no LoRA setting on a full fine-tune");
        assertEquals("stories260K", job.baseModel, "the local engine's default model");
        assertEquals(JobStatus.QUEUED, job.status);
    }

    @Test
    void aSecondStageOnTheEngineContinuesTheAdapterAndKeepsItsShape() throws Exception {
        Job sft = finishedLocalJob();
        Job dpo = planner.plan(new JobRequest(DATASET, null, null, "dpo", null, null, sft.id, null), TENANT).job();
        JsonNode spec = JSON.readTree(dpo.effectiveSpec);
        assertEquals(4, spec.path("values").path("loraRank").asInt());
        assertEquals("from_job", spec.path("sources").path("loraRank").asText());
        assertEquals(sft.outputModel, spec.path("values").path("fromCheckpoint").asText(), "the adapter in our bucket");
        assertEquals("from_job", spec.path("sources").path("fromCheckpoint").asText());
        assertEquals(sft.id, dpo.fromJobId);

        ApiException e = assertThrows(ApiException.class, () -> planner.plan(new JobRequest(DATASET, null, null, "dpo",
                JSON.readTree("{\"loraRank\": 8}"), null, sft.id, null), TENANT));
        assertTrue(violation(e, "loraRank").message().startsWith("loraRank must stay 4"), violation(e, "loraRank").message());
    }

    @Test
    void anotherTenantsJobIsUnknownAsAFirstStage() {
        Job sft = finishedLocalJob();
        ApiException e = assertThrows(ApiException.class, () -> planner.plan(new JobRequest(DATASET, null, null, "dpo", null, null, sft.id, null),
                "t-other"));
        assertEquals("JOB_FROM_JOB_INVALID", e.code());
        assertTrue(e.getMessage().contains("does not exist"));
    }

    @Test
    void earlyStoppingNeedsEnoughEvaluationsToWatch() {
        ApiException e = assertThrows(ApiException.class, () -> planner.plan(request(DATASET, null, null,
                "{\"earlyStoppingEnabled\": true, \"nEvals\": 2}", null, null), TENANT));
        assertTrue(violation(e, "nEvals").message().contains("nEvals >= earlyStoppingPatience + earlyStoppingWarmupEvals + 1"),
                violation(e, "nEvals").message());
    }

    @Test
    void anUnknownBackendIsRefusedWithTheOnesThereAre() {
        ApiException e = assertThrows(ApiException.class, () -> planner.plan(request(DATASET, "slurm", null, null, null, null), TENANT));
        assertEquals("JOB_BACKEND_UNSUPPORTED", e.code());
        assertEquals(Backends.ALL, e.details().get("supported"));
    }

    private Job finishedLocalJob() {
        Job sft = new Job();
        sft.id = "ft-0123456789abcdef0123456789abcdef";
        sft.tenantId = TENANT;
        sft.backend = LocalEngineBackend.NAME;
        sft.baseModel = "stories260K";
        sft.status = JobStatus.SUCCEEDED;
        sft.providerJobId = sft.id;
        sft.outputModel = "s3://refinery/jobs/" + sft.id + "/adapter/";
        sft.effectiveSpec = SpecJson.effectiveSpecJson(Map.of("loraRank", 4, "loraAlpha", 8.0, "loraTargetModules", List.of("q", "v")),
                Map.of("loraRank", "user", "loraAlpha", "user", "loraTargetModules", "user"));
        jobs.put(sft.id, sft);
        return sft;
    }

    private static JobRequest request(String dataset, String backend, String method, String hyperparameters, BigDecimal budget, String model) {
        try {
            return new JobRequest(dataset, model, backend, method, hyperparameters == null ? null : JSON.readTree(hyperparameters), budget, null, null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<FieldViolation> violations(ApiException e) {
        return (List<FieldViolation>) e.details().get("errors");
    }

    private static Map<String, String> codesByField(ApiException e) {
        Map<String, String> out = new HashMap<>();
        violations(e).forEach(v -> out.put(v.field(), v.code()));
        return out;
    }

    private static FieldViolation violation(ApiException e, String field) {
        return violations(e).stream().filter(v -> field.equals(v.field())).findFirst()
                .orElseThrow(() -> new AssertionError("no violation of " + field + " in " + violations(e)));
    }

    /** The backends with their real capabilities, models from a fixed list, and defaults of a few settings. */
    private static final class StandInBackends extends Backends {

        @Override
        public TrainingBackend forTenant(String tenantId, String backend) {
            return new StandIn(backend, capabilities(backend));
        }

        @Override
        public void requireEnabled(String backend) {
        }

        @Override
        public Optional<String> defaultModel(String backend) {
            return LocalEngineBackend.NAME.equals(backend) ? Optional.of("stories260K") : Optional.empty();
        }

        @Override
        public Optional<CatalogModel> model(String backend, String id) {
            if (LocalEngineBackend.NAME.equals(backend) && id.equals("stories260K")) {
                return Optional.of(model(backend, id, 512, 256, Set.of(TrainingType.LORA, TrainingType.FULL)));
            }
            if (backend.equals("together") && id.equals(TOGETHER_MODEL)) {
                return Optional.of(model(backend, id, 8192, 64, Set.of(TrainingType.LORA, TrainingType.FULL)));
            }
            throw new CatalogException(CatalogErrorCode.CATALOG_MODEL_UNKNOWN, "no model " + id + " on " + backend);
        }

        @Override
        public List<String> modelIds(String backend) {
            return List.of("stories260K");
        }

        @Override
        public String modelHint(String backend) {
            return "[stories260K]";
        }

        private static CatalogModel model(String backend, String id, int context, int maxRank, Set<TrainingType> types) {
            return new CatalogModel(backend, id, List.of(), id, null, null, new ContextLengths(context, context, "test"),
                    Set.of(TrainingMethod.SFT, TrainingMethod.DPO), types, new LoraLimits(maxRank, List.of(), "test"), null, List.of(), List.of());
        }
    }

    /** A backend that resolves specs with a few defaults and is never asked to train. */
    private record StandIn(String name, Capabilities capabilities) implements TrainingBackend {

        @Override
        public ProviderDefaults providerDefaults() {
            return (model, method, type, set) -> {
                SpecValues d = SpecValues.EMPTY.with(SpecField.EPOCHS, 1).with(SpecField.LEARNING_RATE, 1e-3);
                if (capabilities.supports(SpecField.BATCH_SIZE)) {
                    d = d.with(SpecField.BATCH_SIZE, BatchSize.of(8));
                }
                return type == TrainingType.LORA ? d.with(SpecField.LORA_RANK, 8) : d;
            };
        }

        @Override
        public UploadedFile upload(DatasetFile file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProviderJob create(EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull, String idempotencyKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProviderJob get(String providerJobId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page<ProviderEvent> events(String providerJobId, String cursorOrNull) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<MetricPoint> metrics(String providerJobId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ProviderCheckpoint> checkpoints(String providerJobId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProviderJob cancel(String providerJobId) {
            throw new UnsupportedOperationException();
        }
    }

    static Capabilities together() {
        return TogetherBackend.CAPABILITIES;
    }
}
