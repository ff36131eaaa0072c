package dev.refinery.training.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.train.PreferenceExample;
import dev.refinery.engine.train.PreferenceLoss;
import dev.refinery.engine.train.Trainer;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.engine.train.TrainingExample;
import dev.refinery.engine.train.TrainingListener;
import dev.refinery.engine.train.TrainingResult;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.mapping.TrainingConfigMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One attempt of a job on the local engine: resume from the newest stored checkpoint (or start), train
 * with progress, metrics and checkpoints going out as they happen, store the adapter, then finish the
 * job. Engine errors fail the job with the engine's code; anything else (storage or database trouble)
 * interrupts the attempt, and the next one resumes from the newest checkpoint.
 */
@ApplicationScoped
public class LocalEngineRunner {

    private static final Logger LOG = Logger.getLogger(LocalEngineRunner.class);
    /** Engine errors that mean "this checkpoint cannot be resumed", not "this job cannot be trained". */
    private static final Set<String> UNUSABLE_CHECKPOINT = Set.of("ENGINE_CHECKPOINT_CORRUPT", "ENGINE_SHAPE_MISMATCH");

    @Inject
    TrainingSettings settings;

    @Inject
    JobLifecycle lifecycle;

    @Inject
    JobArtifacts artifacts;

    @Inject
    TrainingData data;

    @Inject
    ModelCatalog catalog;

    @Inject
    MeterRegistry registry;

    /**
     * @param stopRequested true once the service is stopping: training then ends at the next step with a
     *                      checkpoint, and the job is handed back for the next start
     */
    public void run(JobLifecycle.Claim claim, BooleanSupplier stopRequested) {
        String jobId = claim.jobId();
        Path work = Path.of(settings.workDir()).toAbsolutePath().resolve(jobId);
        Path checkpoints = work.resolve("checkpoints");
        Timer.Sample timer = Timer.start(registry);
        String outcome = "interrupted";
        try {
            JobArtifacts.deleteRecursively(work);
            Integer resumeStep = artifacts.latestCheckpointStep(jobId).orElse(null);
            Path resumeFrom = resumeStep == null ? null : artifacts.downloadCheckpoint(jobId, resumeStep, checkpoints.resolve("step-" + resumeStep));
            lifecycle.begin(claim, resumeStep, null);
            LanguageModel model = catalog.load(claim.baseModel());
            TrainingConfig config = TrainingConfigMapper.toEngine(claim.hyperparameters());
            Trainer trainer = new Trainer(model.weights(), config);
            if (claim.startingAdapterKey() != null) {
                Path dir = artifacts.downloadAdapter(claim.startingAdapterKey(), work.resolve("starting-adapter"));
                trainer = trainer.continuingFrom(PeftAdapterIo.read(dir, model.weights().config(), model.fingerprint()));
            }
            JobProgress progress = new JobProgress(jobId, checkpoints, stopRequested);
            Run run = claim.preference() ? preferenceRun(model, claim, trainer, progress, checkpoints)
                    : supervisedRun(model, claim, trainer, progress, checkpoints);
            TrainingResult result;
            try {
                result = run.train(resumeFrom);
            } catch (EngineException e) {
                if (resumeFrom == null || progress.steps > 0 || !UNUSABLE_CHECKPOINT.contains(e.code())) {
                    throw e;
                }
                LOG.warnf("job %s: checkpoint of step %d cannot be resumed (%s), starting over", jobId, resumeStep, e.getMessage());
                lifecycle.begin(claim, null, "the checkpoint of step " + resumeStep + " could not be resumed: " + e.getMessage());
                JobArtifacts.deleteRecursively(checkpoints);
                result = run.train(null);
            }
            if (progress.claimLost) {
                LOG.warnf("job %s: another worker took it over at step %d; this attempt stops", jobId, result.steps());
                return;
            }
            if (result.cancelled() && progress.cancelledByRequest) {
                lifecycle.cancelled(jobId, result.steps());
                outcome = "cancelled";
                return;
            }
            if (result.cancelled()) {
                lifecycle.release(jobId, "the service is stopping: training paused at step " + result.steps()
                        + "; the next start resumes it from its newest checkpoint", false);
                return;
            }
            Path adapterDir = work.resolve("adapter");
            PeftAdapterIo.write(result.adapter(), adapterDir, model.name(), model.fingerprint());
            String adapterKey = artifacts.uploadAdapter(jobId, adapterDir);
            lifecycle.succeed(jobId, result, adapterKey);
            outcome = "succeeded";
        } catch (EngineException e) {
            outcome = "failed";
            lifecycle.fail(jobId, e.code(), e.getMessage());
        } catch (JobFailure e) {
            outcome = "failed";
            lifecycle.fail(jobId, e.code(), e.getMessage());
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            LOG.errorf(e, "job %s: attempt %d interrupted", jobId, claim.attempt());
            lifecycle.release(jobId, "attempt " + claim.attempt() + " interrupted: " + e, true);
        } finally {
            timer.stop(registry.timer("refinery_training_attempt_seconds", "outcome", outcome));
            try {
                JobArtifacts.deleteRecursively(work);
            } catch (IOException e) {
                LOG.warnf("job %s: could not clean %s: %s", jobId, work, e.getMessage());
            }
        }
    }

    /** A run of the job's kind: from scratch (null) or resumed from a checkpoint directory. */
    @FunctionalInterface
    private interface Run {
        TrainingResult train(Path resumeFrom);
    }

    private Run supervisedRun(LanguageModel model, JobLifecycle.Claim claim, Trainer trainer, JobProgress progress, Path checkpoints) {
        List<TrainingExample> train = data.load(model, claim.trainKey(), "train");
        List<TrainingExample> validation = claim.validationKey() == null ? List.of() : data.load(model, claim.validationKey(), "validation");
        return resumeFrom -> resumeFrom == null ? trainer.train(train, validation, progress, checkpoints)
                : trainer.resume(resumeFrom, train, validation, progress, checkpoints);
    }

    private Run preferenceRun(LanguageModel model, JobLifecycle.Claim claim, Trainer trainer, JobProgress progress, Path checkpoints) {
        List<PreferenceExample> train = data.loadPreferences(model, claim.trainKey(), "train");
        List<PreferenceExample> validation = claim.validationKey() == null ? List.of()
                : data.loadPreferences(model, claim.validationKey(), "validation");
        PreferenceLoss loss = TrainingConfigMapper.preferenceLoss(claim.hyperparameters());
        return resumeFrom -> resumeFrom == null ? trainer.trainPreferences(train, validation, loss, progress, checkpoints)
                : trainer.resumePreferences(resumeFrom, train, validation, loss, progress, checkpoints);
    }

    /** Sends the engine's progress to the database and its checkpoints to object storage. */
    private final class JobProgress implements TrainingListener {
        private final String jobId;
        private final Path checkpoints;
        private final BooleanSupplier stopRequested;
        private int steps;
        private volatile boolean claimLost;
        private volatile boolean cancelledByRequest;

        JobProgress(String jobId, Path checkpoints, BooleanSupplier stopRequested) {
            this.jobId = jobId;
            this.checkpoints = checkpoints;
            this.stopRequested = stopRequested;
        }

        @Override
        public void onStep(StepMetrics m) {
            steps++;
            registry.counter("refinery_training_steps_total").increment();
            registry.counter("refinery_training_tokens_total").increment(m.tokens());
            switch (lifecycle.recordStep(jobId, m)) {
                case CLAIM_LOST -> claimLost = true;
                case CANCEL_REQUESTED -> cancelledByRequest = true;
                case CONTINUE -> { }
            }
        }

        @Override
        public void onEvaluation(int step, double validationLoss) {
            lifecycle.recordValidation(jobId, step, validationLoss);
        }

        @Override
        public void onCheckpoint(int step, Path directory) {
            if (claimLost) {
                return;
            }
            String prefix = artifacts.uploadCheckpoint(jobId, step, directory);
            lifecycle.recordCheckpoint(jobId, step, prefix);
            artifacts.pruneCheckpoints(jobId, step);
            removeLocalCheckpointsBefore(directory);
        }

        @Override
        public boolean cancelRequested() {
            return claimLost || cancelledByRequest || stopRequested.getAsBoolean();
        }

        private void removeLocalCheckpointsBefore(Path keep) {
            try (Stream<Path> dirs = Files.list(checkpoints)) {
                for (Path d : dirs.filter(d -> !d.equals(keep) && d.getFileName().toString().startsWith("step-")).toList()) {
                    JobArtifacts.deleteRecursively(d);
                }
            } catch (IOException e) {
                LOG.debugf("job %s: could not prune local checkpoints: %s", jobId, e.getMessage());
            }
        }
    }
}
