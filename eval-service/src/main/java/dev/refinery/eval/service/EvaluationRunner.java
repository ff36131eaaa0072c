package dev.refinery.eval.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.eval.Metrics;
import dev.refinery.engine.eval.HeldOutComparison;
import dev.refinery.eval.mapping.ReportMapper;
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
 * The long part of an evaluation, outside any transaction: fetch the adapter, load base and
 * candidate, read the held-out split, compare them with greedy decoding (deterministic, so a re-run
 * after a crash computes the same thing), store the per-item results.
 */
@ApplicationScoped
public class EvaluationRunner {

    private static final Logger LOG = Logger.getLogger(EvaluationRunner.class);

    @Inject
    ObjectStorage storage;

    @Inject
    AdapterFetcher adapters;

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
            throw new EvaluationFailure("EVAL_BUCKET_UNSUPPORTED", "the adapter is in bucket " + task.bucket()
                    + " but this service reads only bucket " + storage.bucket());
        }
        Path work = createWorkDir(task.evalId());
        try {
            Path adapterDir = work.resolve("adapter");
            adapters.fetch(task.adapterKey(), adapterDir);
            LanguageModel base = baseModels.load(task.baseModel());
            LanguageModel candidate = withAdapter(base, adapterDir, task);
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

    private static LanguageModel withAdapter(LanguageModel base, Path adapterDir, EvaluationTask task) {
        try {
            return base.withAdapter(adapterDir);
        } catch (EngineException e) {
            throw new EvaluationFailure("EVAL_ADAPTER_UNREADABLE", "the adapter under " + AdapterFetcher.prefix(task.adapterKey())
                    + " cannot be applied to base model " + task.baseModel() + ": [" + e.code() + "] " + e.getMessage(), e);
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
