package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.eval.grading.Graders;
import dev.refinery.eval.inference.Decoding;
import dev.refinery.eval.inference.InferenceClient;
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
import java.util.List;
import java.util.Objects;
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

    @Inject
    InferenceClient inference;

    @Inject
    ModelEndpoints endpoints;

    @Inject
    Graders graders;

    @Inject
    TrainingOverlap overlap;

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
            boolean onEngine = Stream.of(task.candidate(), task.baseline(), task.champion()).filter(Objects::nonNull)
                    .noneMatch(EvaluatedModel::onEndpoint);
            Comparisons c = onEngine ? onEngine(task, work) : throughEndpoints(task, work);
            if (Graders.isGrader(task.metric())) {
                c = c.scoredBy(task.metric(), graders.scorer(task.tenant(), task.metric()));
            }
            ComparisonSummary summary = ReportMapper.summary(c.report(), task.baseline().name(), task.candidate().name(),
                    c.againstChampion(), task.champion() == null ? null : task.champion().name(), task.metrics(),
                    name -> Graders.isGrader(name) ? graders.scorer(task.tenant(), name) : AnswerScorer.metric(name), c.forgetting());
            String itemsKey = itemsFile.store(task.evalId(), ReportMapper.itemLines(c.report(), c.againstChampion()), work.resolve("items.jsonl"));
            return new Result(summary, itemsKey);
        } finally {
            deleteQuietly(work);
        }
    }

    /** The candidate against the baseline and (or null) the champion, and the forgetting guard's figures (or null). */
    private record Comparisons(HeldOutComparison.Report report, HeldOutComparison.Report againstChampion, ForgettingCheck forgetting) {

        /** The same answers with a grader as the primary metric. */
        Comparisons scoredBy(String grader, AnswerScorer scorer) {
            return new Comparisons(GradedPrimary.rescore(report, grader, scorer),
                    againstChampion == null ? null : GradedPrimary.rescore(againstChampion, grader, scorer), forgetting);
        }
    }

    /**
     * Every model on the engine: answers, held-out losses, and the forgetting guard on the base model's general texts.
     * The artifacts first, then the test split: the cheapest and most telling failure first.
     */
    private Comparisons onEngine(EvaluationTask task, Path work) {
        LanguageModel candidate = load(task.candidate(), work.resolve("candidate"));
        LanguageModel baseline = load(task.baseline(), work.resolve("baseline"));
        LanguageModel champion = task.champion() == null ? null : load(task.champion(), work.resolve("champion"));
        HeldOutSplit.Items items = read(task, "");
        HeldOutComparison.Report report = compare(baseline, candidate, items, task);
        HeldOutComparison.Report againstChampion = champion == null ? null : compare(champion, candidate, items, task);
        ForgettingCheck forgetting = generalAbility.texts(task.candidate().baseModel())
                .map(texts -> generalAbility.check(baseModels.load(task.candidate().baseModel()), candidate, texts)).orElse(null);
        return new Comparisons(report, againstChampion, forgetting);
    }

    /**
     * A model behind a provider's API takes part: every model's answers (the engine's replies for those it runs), scored
     * the same way; there are no log-probabilities, so no held-out loss, no preference accuracy and no forgetting guard.
     */
    private Comparisons throughEndpoints(EvaluationTask task, Path work) {
        HeldOutSplit.Items items = read(task, ", answers from a provider's API");
        if (!items.pairs().isEmpty()) {
            throw new EvaluationFailure("EVAL_METRIC_NOT_APPLICABLE", "a preference test split is scored on preference accuracy, which "
                    + "needs each model's log-probabilities; " + task.candidate().describe() + " answers through a provider's API");
        }
        List<List<ChatMessage>> conversations = items.conversations();
        List<List<ChatMessage>> prompts = conversations.stream().map(conv -> conv.subList(0, conv.size() - 1)).toList();
        HeldOutComparison comparison = new HeldOutComparison(GradedPrimary.engineMetric(task.metric()), task.maxTokens(), task.stop());
        List<String> candidate = answers(task, task.candidate(), prompts, work.resolve("candidate"));
        HeldOutComparison.Report report = comparison.compareAnswers(conversations,
                answers(task, task.baseline(), prompts, work.resolve("baseline")), candidate);
        HeldOutComparison.Report againstChampion = task.champion() == null ? null : comparison.compareAnswers(conversations,
                answers(task, task.champion(), prompts, work.resolve("champion")), candidate);
        return new Comparisons(report, againstChampion, null);
    }

    private HeldOutSplit.Items read(EvaluationTask task, String how) {
        HeldOutSplit.Items items = heldOut.read(task.itemsKey(), task.maxItems());
        overlap.requireNone(task.datasetId(), items.conversations(), java.util.Arrays.asList(task.candidate(), task.baseline(), task.champion()));
        LOG.infof("evaluation %s: %s vs %s%s on %d held-out %s of %s (%s, %d tokens%s)", task.evalId(), task.candidate().describe(),
                task.baseline().describe(), task.champion() == null ? "" : " and the champion " + task.champion().describe(),
                items.size(), items.pairs().isEmpty() ? "items" : "preference pairs", task.itemsKey(),
                items.pairs().isEmpty() ? task.metric() : Metrics.PREFERENCE_ACCURACY, task.maxTokens(), how);
        return items;
    }

    private List<String> answers(EvaluationTask task, EvaluatedModel model, List<List<ChatMessage>> prompts, Path dir) {
        if (model.onEndpoint()) {
            try {
                return inference.answerAll(task.tenant(), endpoints.endpoint(task.tenant(), model), prompts, new Decoding(0, task.maxTokens(), task.stop()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + model.describe() + " answered", e);
            }
        }
        LanguageModel engine = load(model, dir);
        GenerationOptions greedy = GenerationOptions.greedy(task.maxTokens());
        try {
            return prompts.stream().map(p -> engine.reply(p, greedy).text()).toList();
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_ENGINE_ERROR", "the engine failed to answer as " + model.describe() + ": [" + e.code() + "] "
                    + e.getMessage(), e);
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
        HeldOutComparison comparison = new HeldOutComparison(GradedPrimary.engineMetric(task.metric()), task.maxTokens(), task.stop());
        try {
            return items.pairs().isEmpty() ? comparison.compare(base, candidate, items.conversations())
                    : comparison.comparePreferences(base, candidate, items.pairs());
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_ENGINE_ERROR", "the engine failed to compare the models on "
                    + task.itemsKey() + ": [" + e.code() + "] " + e.getMessage(), e);
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
