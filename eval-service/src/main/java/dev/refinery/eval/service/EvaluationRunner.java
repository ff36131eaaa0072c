package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.eval.Metrics;
import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.eval.mapping.ReportMapper;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.kit.storage.ObjectStorage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The long part of an evaluation, outside any transaction: fetch the artifact, load base and candidate (the base with the
 * LoRA adapter merged in, or the whole fine-tuned model on the base's tokenizer), read the held-out split, compare them
 * with greedy decoding (deterministic, so a re-run after a crash computes the same thing), store the per-item results.
 */
@ApplicationScoped
public class EvaluationRunner {

    private static final Logger LOG = Logger.getLogger(EvaluationRunner.class);

    @Inject
    ObjectStorage storage;

    @Inject
    ArtifactFetcher artifacts;

    @Inject
    BaseModels baseModels;

    @Inject
    HeldOutSplit heldOut;

    @Inject
    ItemsFile itemsFile;

    /** The result of a run: the summary and where the per-item results went. */
    public record Result(ComparisonSummary summary, String itemsKey) {
    }

    /**
     * @throws EvaluationFailure for a failure a retry cannot fix
     * @throws dev.refinery.kit.storage.StorageException when object storage fails (worth a retry)
     */
    public Result run(EvaluationTask task) {
        if (!storage.bucket().equals(task.bucket())) {
            throw new EvaluationFailure("EVAL_BUCKET_UNSUPPORTED", "the " + task.artifactType().wireName() + " is in bucket " + task.bucket()
                    + " but this service reads only bucket " + storage.bucket());
        }
        Path work = createWorkDir(task.evalId());
        try {
            Path artifactDir = work.resolve("artifact");
            artifacts.fetch(task.artifactType(), task.artifactKey(), artifactDir);
            LanguageModel base = baseModels.load(task.baseModel());
            LanguageModel candidate = candidate(base, artifactDir, task);
            HeldOutSplit.Items items = heldOut.read(task.datasetId(), task.maxItems());
            LOG.infof("evaluation %s: %s vs %s on %d held-out %s of %s (%s, %d tokens)", task.evalId(), task.baseModel(),
                    task.candidateModel(), items.size(), items.pairs().isEmpty() ? "items" : "preference pairs", task.datasetId(),
                    items.pairs().isEmpty() ? task.metric() : Metrics.PREFERENCE_ACCURACY, task.maxTokens());
            HeldOutComparison.Report report = compare(base, candidate, items, task);
            ComparisonSummary summary = ReportMapper.summary(report, task.baseModel(), task.candidateModel());
            String itemsKey = itemsFile.store(task.evalId(), report.items(), work.resolve("items.jsonl"));
            return new Result(summary, itemsKey);
        } finally {
            deleteQuietly(work);
        }
    }

    /** The fine-tuned model: the base with the adapter merged in, or the whole model's weights on the base's tokenizer. */
    private static LanguageModel candidate(LanguageModel base, Path artifactDir, EvaluationTask task) {
        try {
            return switch (task.artifactType()) {
                case LORA_ADAPTER -> base.withAdapter(artifactDir);
                case FULL_MODEL -> base.withWeights(artifactDir);
            };
        } catch (EngineException e) {
            String what = task.artifactType() == ArtifactType.LORA_ADAPTER ? "the adapter under " + ArtifactFetcher.prefix(task.artifactKey())
                    + " cannot be applied to base model " : "the model under " + ArtifactFetcher.prefix(task.artifactKey())
                    + " cannot be read as a fine-tune of base model ";
            throw new EvaluationFailure(ArtifactFetcher.unreadable(task.artifactType()), what + task.baseModel() + ": [" + e.code() + "] "
                    + e.getMessage(), e);
        }
    }

    /** Conversations on the task's metric; preference pairs (a DPO dataset) on preference accuracy. */
    private static HeldOutComparison.Report compare(LanguageModel base, LanguageModel candidate, HeldOutSplit.Items items,
                                                    EvaluationTask task) {
        HeldOutComparison comparison = new HeldOutComparison(task.metric(), task.maxTokens());
        try {
            return items.pairs().isEmpty() ? comparison.compare(base, candidate, items.conversations())
                    : comparison.comparePreferences(base, candidate, items.pairs());
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_ENGINE_ERROR", "the engine failed to compare the models on "
                    + HeldOutSplit.key(task.datasetId()) + ": [" + e.code() + "] " + e.getMessage(), e);
        }
    }

    private static Path createWorkDir(String evalId) {
        try {
            return Files.createTempDirectory("refinery-" + evalId + "-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a scratch folder for " + evalId + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not remove scratch folder %s: %s", dir, e.getMessage());
        }
    }
}
