package dev.refinery.training.backend.local;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.engine.io.ModelLibrary;
import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.LeasedWorkers;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.BatchingMode;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DpoVariant;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.LrSchedulerType;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SequenceOverflow;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.SpecValues;
import dev.refinery.providers.spec.TrainOnInputs;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.FieldRule;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.Page;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.providers.spi.UploadedFile;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.service.JobLeases;
import dev.refinery.training.service.JobService;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The built-in engine as one more {@link TrainingBackend}: it trains in this process, on the validated splits where they
 * are in our bucket, for free. Its {@link #create} hands the job to the engine's worker pool ({@code pool-size}
 * threads, one by default: training uses every core); the pool's run reports every step, checkpoint and the outcome to
 * the same store as every other backend's reports ({@link Capabilities.Progress#REPORTED}). A repeated create of the same
 * job resumes it from its newest checkpoint. Cancel asks the run to stop at its next step.
 */
@ApplicationScoped
public class LocalEngineBackend implements TrainingBackend {

    private static final Logger LOG = Logger.getLogger(LocalEngineBackend.class);
    public static final String NAME = Backends.LOCAL;

    /** What the engine can do, every setting with its range (the model's context bounds maxSeqLen too: see the planner). */
    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .methods(TrainingMethod.SFT, TrainingMethod.DPO)
            .trainingTypes(TrainingType.LORA, TrainingType.FULL)
            .secondStage(Capabilities.SecondStage.ADAPTER_IN_BUCKET)
            .data(Capabilities.DataPlacement.IN_OUR_BUCKET)
            .progress(Capabilities.Progress.REPORTED)
            .pricing(Capabilities.Pricing.UNPRICED)
            .ownFailureCodes()
            .settings(SpecField.TRAINING_TYPE, SpecField.BATCHING, SpecField.LR_SCHEDULER, SpecField.WARMUP_RATIO, SpecField.MIN_LR_RATIO,
                    SpecField.LORA_DROPOUT, SpecField.SEED, SpecField.OVERFLOW, SpecField.TRAIN_ON_INPUTS, SpecField.EARLY_STOPPING_ENABLED,
                    SpecField.EARLY_STOPPING_MIN_DELTA, SpecField.DPO_VARIANT, SpecField.FROM_CHECKPOINT)
            .settings(FieldRule.between(SpecField.EPOCHS, 1, 100),
                    new FieldRule<>(SpecField.BATCH_SIZE, b -> !b.isMax() && b.examples() <= 256, "an integer from 1 to 256"),
                    FieldRule.between(SpecField.GRADIENT_ACCUMULATION, 1, 64),
                    FieldRule.between(SpecField.LEARNING_RATE, 0, true, 1, false),
                    FieldRule.between(SpecField.WEIGHT_DECAY, 0, false, 1, false),
                    FieldRule.between(SpecField.MAX_GRAD_NORM, 0, false, 100, false),
                    FieldRule.between(SpecField.LORA_RANK, 1, EngineModels.MAX_LORA_RANK),
                    FieldRule.between(SpecField.LORA_ALPHA, 0, true, 4096, false),
                    new FieldRule<>(SpecField.LORA_TARGET_MODULES, l -> l.stream().allMatch(EngineSpec::isModule),
                            "all-linear, or a list of q, k, v, o, gate, up, down (with or without _proj)"),
                    FieldRule.between(SpecField.MAX_SEQ_LEN, 1, 1_000_000),
                    FieldRule.between(SpecField.N_EVALS, 0, 1000),
                    FieldRule.between(SpecField.CHECKPOINT_EVERY, 0, 1_000_000),
                    FieldRule.between(SpecField.EARLY_STOPPING_PATIENCE, 1, 1000),
                    FieldRule.between(SpecField.EARLY_STOPPING_WARMUP_EVALS, 0, 1000),
                    FieldRule.between(SpecField.DPO_BETA, 0, true, 10, false),
                    FieldRule.between(SpecField.DPO_NLL_WEIGHT, 0, false, 10, false),
                    FieldRule.between(SpecField.SIMPO_GAMMA, 0, false, 10, false))
            .build();

    /** A resume point every this many steps, so that an interrupted job loses little work. */
    static final int DEFAULT_CHECKPOINT_EVERY = 50;

    @Inject
    TrainingSettings settings;

    @Inject
    EngineModels models;

    @Inject
    JobLeases leases;

    @Inject
    EngineRun run;

    @Inject
    JobService jobs;

    private LeasedWorkers pool;

    @PostConstruct
    void start() {
        pool = new LeasedWorkers("training-engine", settings.poolSize(), leases.table(), leases.keeper(), leases.holder(), run);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * The engine's defaults ({@code TrainingConfig.defaults()}: LoRA r=8, alpha 2 x rank on all linear projections, one
     * epoch, batch 8, learning rate 1e-3, cosine, clipping at 1, seed 42), the model's whole context, Together's DPO and
     * early-stopping defaults, and a resume point every 50 steps.
     */
    @Override
    public ProviderDefaults providerDefaults() {
        return (baseModel, method, type, set) -> {
            SpecValues d = SpecValues.EMPTY
                    .with(SpecField.EPOCHS, 1).with(SpecField.LEARNING_RATE, 1e-3).with(SpecField.BATCH_SIZE, BatchSize.of(8))
                    .with(SpecField.GRADIENT_ACCUMULATION, 1).with(SpecField.BATCHING, BatchingMode.PADDED)
                    .with(SpecField.LR_SCHEDULER, LrSchedulerType.COSINE).with(SpecField.WARMUP_RATIO, 0.0).with(SpecField.MIN_LR_RATIO, 0.0)
                    .with(SpecField.WEIGHT_DECAY, 0.0).with(SpecField.MAX_GRAD_NORM, 1.0).with(SpecField.SEED, 42L)
                    .with(SpecField.OVERFLOW, SequenceOverflow.FAIL).with(SpecField.N_EVALS, 0)
                    .with(SpecField.CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_EVERY).with(SpecField.EARLY_STOPPING_ENABLED, false);
            Integer context = models.find(baseModel).map(ModelLibrary.Entry::contextLength).orElse(null);
            if (context != null) {
                d = d.with(SpecField.MAX_SEQ_LEN, context);
            }
            if (type == TrainingType.LORA) {
                int rank = set.get(SpecField.LORA_RANK).orElse(8);
                d = d.with(SpecField.LORA_RANK, rank).with(SpecField.LORA_ALPHA, 2.0 * rank).with(SpecField.LORA_DROPOUT, 0.0)
                        .with(SpecField.LORA_TARGET_MODULES, List.of(EngineSpec.ALL_LINEAR));
            }
            if (method == TrainingMethod.SFT) {
                d = d.with(SpecField.TRAIN_ON_INPUTS, TrainOnInputs.NO);
            } else {
                d = d.with(SpecField.DPO_VARIANT, DpoVariant.STANDARD).with(SpecField.DPO_BETA, 0.1).with(SpecField.DPO_NLL_WEIGHT, 0.0);
                if (set.get(SpecField.DPO_VARIANT).orElse(DpoVariant.STANDARD) == DpoVariant.SIMPO) {
                    d = d.with(SpecField.SIMPO_GAMMA, 0.0);
                }
            }
            if (set.get(SpecField.EARLY_STOPPING_ENABLED).orElse(false)) {
                d = d.with(SpecField.EARLY_STOPPING_PATIENCE, 2).with(SpecField.EARLY_STOPPING_MIN_DELTA, 0.0)
                        .with(SpecField.EARLY_STOPPING_WARMUP_EVALS, 1);
            }
            return d;
        };
    }

    /** Never called: the engine reads the splits where validation left them ({@link Capabilities.DataPlacement#IN_OUR_BUCKET}). */
    @Override
    public UploadedFile upload(DatasetFile file) {
        throw new ProviderException(NAME, ErrorCode.PROVIDER_UNSUPPORTED, "the local engine reads the validated splits in place; nothing is uploaded");
    }

    /**
     * Hands the job to the engine's pool under the lease this process holds on it; the job's id is its id here too. A
     * repeated create resumes the job (a no-op while it is queued or training here already).
     */
    @Override
    public ProviderJob create(EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull, String jobId) {
        Lease lease = leases.keeper().heldOn(jobId).orElseThrow(() -> new ProviderException(NAME, ErrorCode.PROVIDER_UNAVAILABLE,
                "job " + jobId + " is not held by this process: the engine trains only jobs whose lease it holds"));
        if (pool.continueHeld(lease)) {
            LOG.infof("job %s handed to the engine's pool (attempt %d)", jobId, lease.attempt());
        }
        return report(jobId, JobState.QUEUED, "queued");
    }

    @Override
    public ProviderJob get(String jobId) {
        Job job = jobs.get(jobId);
        return report(jobId, state(job.status), job.status.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The engine's steps, metrics and checkpoints are in the store already: nothing is polled. */
    @Override
    public Page<ProviderEvent> events(String jobId, String cursorOrNull) {
        return new Page<>(List.of(), cursorOrNull, false);
    }

    @Override
    public List<MetricPoint> metrics(String jobId) {
        return List.of();
    }

    @Override
    public List<ProviderCheckpoint> checkpoints(String jobId) {
        return List.of();
    }

    /**
     * Stops the job: one training (or queued) here stops at its next step or before it starts, and one held by a live
     * process elsewhere is stopped there the same way, from the CANCELLING state it reads at each step (answer:
     * CANCELLING). One that nobody works on ends at once (answer: CANCELLED).
     */
    @Override
    public ProviderJob cancel(String jobId) {
        boolean worked = pool.has(jobId) || leases.table().find(JobLeases.KIND_NAME, jobId)
                .filter(l -> "HELD".equals(l.state()) && l.heldUntil() != null && l.heldUntil().isAfter(Instant.now()))
                .isPresent();
        return worked ? report(jobId, JobState.CANCELLING, "cancelling") : report(jobId, JobState.CANCELLED, "cancelled");
    }

    /** Stops the engine's pool by the one shutdown rule: running jobs checkpoint within {@code grace} and are given back. */
    public void stop(Duration grace) {
        pool.shutdown(grace);
    }

    private static JobState state(JobStatus status) {
        return JobState.valueOf(status.name());
    }

    private static ProviderJob report(String jobId, JobState state, String raw) {
        return new ProviderJob(NAME, jobId, state, raw, null, null, null, null, null, null, null, null, null, null, null, Instant.now(), null);
    }
}
