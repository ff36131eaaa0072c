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

    @Inject
    GeneralAbility generalAbility;

    /** The result of a run: the summary and where the per-item results went. */
    public record Result(ComparisonSummary summary, String itemsKey) {
    }

    /**
     * @throws EvaluationFailure for a failure a retry cannot fix
     * @throws dev.refinery.kit.storage.StorageException when object storage fails (worth a retry)
     */
    public Result run(EvaluationTask task) {
        Path work = createWorkDir(task.evalId());
        try {
            LanguageModel candidate = load(task.candidate(), work.resolve("candidate"));
            LanguageModel baseline = load(task.baseline(), work.resolve("baseline"));
            LanguageModel champion = task.champion() == null ? null : load(task.champion(), work.resolve("champion"));
            HeldOutSplit.Items items = heldOut.read(task.datasetId(), task.maxItems());
            LOG.infof("evaluation %s: %s vs %s%s on %d held-out %s of %s (%s, %d tokens)", task.evalId(), task.candidate().describe(),
                    task.baseline().describe(), champion == null ? "" : " and the champion " + task.champion().describe(), items.size(),
                    items.pairs().isEmpty() ? "items" : "preference pairs", task.datasetId(),
                    items.pairs().isEmpty() ? task.metric() : Metrics.PREFERENCE_ACCURACY, task.maxTokens());
            HeldOutComparison.Report report = compare(baseline, candidate, items, task);
            HeldOutComparison.Report againstChampion = champion == null ? null : compare(champion, candidate, items, task);
            ForgettingCheck forgetting = generalAbility.texts(task.candidate().baseModel())
                    .map(texts -> generalAbility.check(baseModels.load(task.candidate().baseModel()), candidate, texts)).orElse(null);
            ComparisonSummary summary = ReportMapper.summary(report, task.baseline().name(), task.candidate().name(),
                    againstChampion, champion == null ? null : task.champion().name(), task.metrics(), forgetting);
            String itemsKey = itemsFile.store(task.evalId(), ReportMapper.itemLines(report, againstChampion), work.resolve("items.jsonl"));
            return new Result(summary, itemsKey);
        } finally {
            deleteQuietly(work);
        }
    }

    /** A base model as it ships, or a version: its artifact fetched into {@code dir} and applied to its base model. */
    private LanguageModel load(EvaluatedModel model, Path dir) {
        LanguageModel base = baseModels.load(model.baseModel());
        if (model.isBase()) {
            return base;
        }
        if (!model.type().inBucket()) {
            throw new EvaluationFailure("EVAL_MODEL_NOT_EVALUABLE", model.describe() + " is a " + model.type().wireName()
                    + " its provider keeps; evaluating it needs the provider's chat-completions endpoint, which this service "
                    + "does not call yet");
        }
        if (!storage.bucket().equals(model.bucket())) {
            throw new EvaluationFailure("EVAL_BUCKET_UNSUPPORTED", "the " + model.type().wireName() + " of " + model.describe()
                    + " is in bucket " + model.bucket() + " but this service reads only bucket " + storage.bucket());
        }
        artifacts.fetch(model.type(), model.key(), dir);
        try {
            return switch (model.type()) {
                case LORA_ADAPTER -> base.withAdapter(dir);
                case FULL_MODEL -> base.withWeights(dir);
                case PROVIDER_MODEL -> throw new IllegalStateException("not in a bucket");
            };
        } catch (EngineException e) {
            String what = model.type() == ArtifactType.LORA_ADAPTER ? "the adapter under " + ArtifactFetcher.prefix(model.key())
                    + " cannot be applied to base model " : "the model under " + ArtifactFetcher.prefix(model.key())
                    + " cannot be read as a fine-tune of base model ";
            throw new EvaluationFailure(ArtifactFetcher.unreadable(model.type()), what + model.baseModel() + ": [" + e.code() + "] "
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
