package dev.refinery.training.backend.local;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.io.HfModelWriter;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.io.SpecialTokenIds;
import dev.refinery.engine.train.PreferenceExample;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.engine.train.TrainingResult;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.kit.lease.Lease;
import dev.refinery.kit.lease.LeaseLostException;
import dev.refinery.kit.lease.LeasedWorkers;
import dev.refinery.kit.work.TransientRetry;
import dev.refinery.kit.work.WorkerIdentity;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.DatasetFormat;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.mapping.SpecJson;
import dev.refinery.training.repository.ArtifactType;
import dev.refinery.training.service.JobStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One attempt of a job on the local engine, under the job's lease: resume from the newest stored checkpoint (or start),
 * train with every step, validation loss and checkpoint going to the store as they happen, store the artifact (the
 * adapter, or the whole model of a full fine-tune), then the outcome. Every write is fenced by the lease: an attempt that
 * was taken over stops at its next write. A write or upload that fails because the database or storage is briefly away
 * is retried with back-off while training waits; it never costs the job an attempt. Engine errors fail the job with the
 * engine's code; a stop of the service checkpoints and gives the job back.
 */
@ApplicationScoped
public class EngineRun implements LeasedWorkers.Work {

    private static final Logger LOG = Logger.getLogger(EngineRun.class);
    /** Engine errors that mean "this checkpoint cannot be resumed", not "this job cannot be trained". */
    private static final Set<String> UNUSABLE_CHECKPOINT = Set.of("ENGINE_CHECKPOINT_CORRUPT", "ENGINE_SHAPE_MISMATCH");

    @Inject
    TrainingSettings settings;

    @Inject
    JobStore store;

    @Inject
    JobArtifacts artifacts;

    @Inject
    TrainingData data;

    @Inject
    EngineModels models;

    @Inject
    TransientRetry retry;

    @Inject
    WorkerIdentity worker;

    @Inject
    MeterRegistry registry;

    @Override
    public LeasedWorkers.Outcome run(LeasedWorkers.Context context) throws IOException {
        Lease lease = context.lease();
        JobStore.Work job = store.attemptBegins(lease).orElse(null);
        if (job == null) {
            return LeasedWorkers.Outcome.DONE;
        }
        String jobId = job.jobId();
        Path work = Path.of(settings.workDir()).toAbsolutePath().resolve(jobId);
        Path checkpoints = work.resolve("checkpoints");
        Timer.Sample timer = Timer.start(registry);
        String outcome = "interrupted";
        try {
            JobArtifacts.deleteRecursively(work);
            EffectiveSpec spec = SpecJson.effectiveSpec(job.effectiveSpec(), job.baseModel(), job.method(), placeholder());
            Integer resumeStep = artifacts.latestCheckpointStep(jobId).orElse(null);
            Path resumeFrom = resumeStep == null ? null : artifacts.downloadCheckpoint(jobId, resumeStep, checkpoints.resolve("step-" + resumeStep));
            if (!write(() -> store.trainingBegins(lease, resumeStep, null, worker.id()))) {
                outcome = "cancelled";
                return LeasedWorkers.Outcome.DONE;
            }
            LanguageModel model = models.load(job.baseModel());
            TrainingConfig config = EngineSpec.trainingConfig(spec);
            Trainer trainer = new Trainer(model.weights(), config);
            String startingAdapter = spec.value(SpecField.FROM_CHECKPOINT).map(this::keyInOurBucket).orElse(null);
            if (startingAdapter != null) {
                Path dir = artifacts.downloadAdapter(startingAdapter, work.resolve("starting-adapter"));
                trainer = trainer.continuingFrom(PeftAdapterIo.read(dir, model.weights().config(), model.fingerprint()));
            }
            Progress progress = new Progress(lease, context, checkpoints);
            Run run = job.method() == TrainingMethod.DPO ? preferenceRun(model, job, spec, trainer, progress, checkpoints)
                    : supervisedRun(model, job, trainer, progress, checkpoints);
            TrainingResult result;
            try {
                result = run.train(resumeFrom);
            } catch (EngineException e) {
                if (resumeFrom == null || progress.steps > 0 || !UNUSABLE_CHECKPOINT.contains(e.code())) {
                    throw e;
                }
                LOG.warnf("job %s: checkpoint of step %d cannot be resumed (%s), starting over", jobId, resumeStep, e.getMessage());
                write(() -> store.trainingBegins(lease, null, "the checkpoint of step " + resumeStep + " could not be resumed: " + e.getMessage(),
                        worker.id()));
                JobArtifacts.deleteRecursively(checkpoints);
                result = run.train(null);
            }
            if (progress.lost) {
                throw new LeaseLostException(lease);
            }
            if (result.cancelled() && progress.cancelledByRequest) {
                int steps = result.steps();
                write(() -> store.cancelledAtStep(lease, steps));
                outcome = "cancelled";
                return LeasedWorkers.Outcome.DONE;
            }
            if (result.cancelled()) {
                LOG.infof("job %s: the service is stopping: training paused at step %d with a checkpoint", jobId, result.steps());
                return LeasedWorkers.Outcome.STOPPED;
            }
            storeResult(lease, jobId, model, spec, result, work);
            outcome = "succeeded";
            return LeasedWorkers.Outcome.DONE;
        } catch (EngineException e) {
            outcome = "failed";
            write(() -> store.failed(lease, e.code(), e.getMessage()));
            return LeasedWorkers.Outcome.DONE;
        } catch (JobFailure e) {
            outcome = "failed";
            write(() -> store.failed(lease, e.code(), e.getMessage()));
            return LeasedWorkers.Outcome.DONE;
        } finally {
            timer.stop(registry.timer("refinery_training_attempt_seconds", "backend", LocalEngineBackend.NAME, "outcome", outcome));
            try {
                JobArtifacts.deleteRecursively(work);
            } catch (IOException e) {
                LOG.warnf("job %s: could not clean %s: %s", jobId, work, e.getMessage());
            }
        }
    }

    @Override
    public void giveUp(Lease lease, String reason) {
        store.failed(lease, "JOB_INTERRUPTED", "gave up: " + reason);
    }

    /** The artifact (adapter, or whole model for a full fine-tune) written, fenced and uploaded, then SUCCEEDED with job-completed. */
    private void storeResult(Lease lease, String jobId, LanguageModel model, EffectiveSpec spec, TrainingResult result, Path work) {
        boolean full = spec.trainingType() == TrainingType.FULL;
        Path dir = work.resolve(full ? "model" : "adapter");
        if (full) {
            int bos = model.tokenizer().bosId();
            int eos = model.tokenizer().eosId();
            HfModelWriter.write(result.weights(), dir, new SpecialTokenIds(bos >= 0 ? bos : null, eos >= 0 ? List.of(eos) : List.of()));
        } else {
            PeftAdapterIo.write(result.adapter(), dir, model.name(), model.fingerprint());
        }
        fence(lease); // a taken-over attempt must not overwrite its successor's artifact
        String key = write(() -> full ? artifacts.uploadModel(jobId, dir) : artifacts.uploadAdapter(jobId, dir));
        Double trainLoss = finite(result.finalTrainLoss());
        Double validationLoss = finite(result.finalValidationLoss());
        String detail = result.steps() + " steps, final train loss " + fmt(trainLoss)
                + (validationLoss == null ? "" : ", validation loss " + fmt(validationLoss))
                + (result.stoppedEarly() ? " (stopped early; the best evaluated weights kept)" : "")
                + (result.droppedExamples() > 0 ? ", " + result.droppedExamples() + " examples dropped as too long" : "")
                + (result.truncatedExamples() > 0 ? ", " + result.truncatedExamples() + " examples truncated" : "");
        String type = full ? ArtifactType.FULL_MODEL.wireName() : ArtifactType.LORA_ADAPTER.wireName();
        write(() -> {
            store.trained(lease, result.steps(), trainLoss, validationLoss, type, key, detail);
            return null;
        });
    }

    private void fence(Lease lease) {
        write(() -> {
            store.requireHeld(lease);
            return null;
        });
    }

    /** A run of the job's kind: from scratch (null) or resumed from a checkpoint directory. */
    @FunctionalInterface
    private interface Run {
        TrainingResult train(Path resumeFrom);
    }

    private Run supervisedRun(LanguageModel model, JobStore.Work job, Trainer trainer, Progress progress, Path checkpoints) {
        List<TrainingExample> train = data.load(model, job.trainKey(), "train");
        List<TrainingExample> validation = job.validationKey() == null ? List.of() : data.load(model, job.validationKey(), "validation");
        return resumeFrom -> resumeFrom == null ? trainer.train(train, validation, progress, checkpoints)
                : trainer.resume(resumeFrom, train, validation, progress, checkpoints);
    }

    private Run preferenceRun(LanguageModel model, JobStore.Work job, EffectiveSpec spec, Trainer trainer, Progress progress, Path checkpoints) {
        List<PreferenceExample> train = data.loadPreferences(model, job.trainKey(), "train");
        List<PreferenceExample> validation = job.validationKey() == null ? List.of()
                : data.loadPreferences(model, job.validationKey(), "validation");
        var loss = EngineSpec.preferenceLoss(spec);
        return resumeFrom -> resumeFrom == null ? trainer.trainPreferences(train, validation, loss, progress, checkpoints)
                : trainer.resumePreferences(resumeFrom, train, validation, loss, progress, checkpoints);
    }

    /**
     * A store write or a storage call, retried with back-off while the database or storage is briefly away (training waits;
     * the job is not charged an attempt). A lost lease is not retried: it ends the attempt.
     */
    private <T> T write(Supplier<T> call) {
        return retry.get(call);
    }

    private void write(Runnable call) {
        retry.run(call);
    }

    /** Sends the engine's progress to the store and its checkpoints to object storage, fenced by the lease. */
    private final class Progress implements TrainingListener {
        private final Lease lease;
        private final LeasedWorkers.Context context;
        private final Path checkpoints;
        private int steps;
        private volatile boolean lost;
        private volatile boolean cancelledByRequest;

        Progress(Lease lease, LeasedWorkers.Context context, Path checkpoints) {
            this.lease = lease;
            this.context = context;
            this.checkpoints = checkpoints;
        }

        @Override
        public void onStep(StepMetrics m) {
            steps++;
            registry.counter("refinery_training_steps_total").increment();
            registry.counter("refinery_training_tokens_total").increment(m.tokens());
            JobStore.StepProgress p = new JobStore.StepProgress(m.step(), m.totalSteps(), m.epoch(), m.loss(), m.learningRate(), m.gradNorm(),
                    m.tokens(), finiteOr(m.tokensPerSecond(), 0), finiteOr(m.etaSeconds(), 0), finite(m.rewardAccuracy()), finite(m.rewardMargin()));
            guarded(() -> {
                if (write(() -> store.step(lease, p)) == JobStore.StepAck.CANCEL_REQUESTED) {
                    cancelledByRequest = true;
                }
            });
        }

        @Override
        public void onEvaluation(int step, double validationLoss) {
            guarded(() -> write(() -> store.validationLoss(lease, step, validationLoss)));
        }

        @Override
        public void onCheckpoint(int step, Path directory) {
            guarded(() -> {
                fence(lease);
                String prefix = write(() -> artifacts.uploadCheckpoint(lease.workId(), step, directory));
                write(() -> store.checkpointStored(lease, step, prefix));
                write(() -> artifacts.pruneCheckpoints(lease.workId(), step));
                removeLocalCheckpointsBefore(directory);
            });
        }

        @Override
        public boolean cancelRequested() {
            return lost || cancelledByRequest || context.stopRequested() || context.leaseLost();
        }

        /** A write the lease no longer allows stops the run (another process has the job); nothing more is written. */
        private void guarded(Runnable write) {
            if (lost) {
                return;
            }
            try {
                write.run();
            } catch (LeaseLostException e) {
                LOG.warnf("job %s: %s; this attempt stops", lease.workId(), e.getMessage());
                lost = true;
            }
        }

        private void removeLocalCheckpointsBefore(Path keep) {
            try (Stream<Path> dirs = Files.list(checkpoints)) {
                for (Path d : dirs.filter(d -> !d.equals(keep) && d.getFileName().toString().startsWith("step-")).toList()) {
                    JobArtifacts.deleteRecursively(d);
                }
            } catch (IOException e) {
                LOG.debugf("job %s: could not prune local checkpoints: %s", lease.workId(), e.getMessage());
            }
        }
    }

    /** {@code s3://<our bucket>/<key>} (an earlier job's adapter) as the key. */
    private String keyInOurBucket(String reference) {
        String prefix = "s3://" + artifacts.bucket() + "/";
        if (!reference.startsWith(prefix)) {
            throw new JobFailure("JOB_FROM_JOB_INVALID", "the adapter to continue from, " + reference + ", is not in this service's bucket");
        }
        return reference.substring(prefix.length());
    }

    /** The engine reads the splits itself; the spec's dataset files are never opened. */
    private static DatasetRefs placeholder() {
        return DatasetRefs.trainingOnly(new DatasetFile("train.jsonl", DatasetFormat.JSONL, 1, InputStream::nullInputStream));
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    private static double finiteOr(double d, double fallback) {
        return Double.isFinite(d) ? d : fallback;
    }

    private static String fmt(Double d) {
        return d == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", d);
    }
}
