package dev.refinery.eval.service;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.events.JobCompleted;
import dev.refinery.eval.grading.Graders;
import dev.refinery.eval.grading.MetricNames;
import dev.refinery.eval.registry.ModelRegistry;
import dev.refinery.eval.registry.PromotionPolicies;
import dev.refinery.eval.registry.PromotionPolicy;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.EvaluationStatus;
import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.List;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * Records evaluations: the one a finished job asks for (in the consumer's transaction: its base model as baseline, the
 * project's champion beside it, the policy's decision at the end) and those a person asks for (any version against its
 * base or another version; they inform, they never promote). Each is PENDING with its work lease; the worker starts it
 * once the transaction commits.
 */
@ApplicationScoped
public class EvaluationRequests {

    private static final Logger LOG = Logger.getLogger(EvaluationRequests.class);
    /** The longest answer an evaluation asks for (stories260K's context is 512 tokens, prompt included). */
    private static final int MAX_TOKENS = 1024;

    @Inject
    EvalConfig config;

    @Inject
    WorkLeases leases;

    @Inject
    EvaluationWorker worker;

    @Inject
    ModelRegistry registry;

    @Inject
    PromotionPolicies policies;

    @Inject
    ModelEndpoints endpoints;

    @Inject
    Graders graders;

    @Inject
    TestSets testSets;

    @Inject
    MetricNames metricNames;

    /**
     * The evaluation of a finished job's version. One per job: a second job-completed for the same job (a new event id,
     * e.g. a re-announcement) is ignored.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Evaluation> request(ModelVersion candidate, String sourceEventId, JobCompleted.Evaluation asked) {
        if (Evaluation.existsForJob(candidate.jobId)) {
            LOG.infof("job %s already has an evaluation; job-completed %s ignored", candidate.jobId, sourceEventId);
            return Optional.empty();
        }
        PromotionPolicy policy = policies.of(candidate.tenant);
        String champion = registry.holder(candidate.tenant, policy.alias()).map(v -> v.id).filter(id -> !id.equals(candidate.id))
                .orElse(null);
        // What the job asked for was checked by training-service when it was submitted; a grader that is gone by now fails
        // the evaluation when it runs (EVAL_GRADER_MISSING), which its eval-finished reports.
        String metric = asked != null && asked.metric() != null ? asked.metric() : policy.metric();
        List<String> extra = asked != null && asked.metrics() != null ? asked.metrics() : List.of();
        int maxItems = asked != null && asked.maxItems() != null ? Math.min(asked.maxItems(), config.maxItems()) : config.maxItems();
        String datasetId = asked != null && asked.datasetId() != null ? asked.datasetId() : candidate.datasetId;
        Evaluation e = record(candidate, null, champion, datasetId, policy, metric, extra.stream().map(m -> pinnedIfKnown(candidate.tenant, m))
                .toList(), maxItems);
        e.sourceEventId = sourceEventId;
        if (asked != null && Boolean.FALSE.equals(asked.promote())) {
            e.policyAutoPromote = false; // the job asked to be decided, not promoted: a pass awaits a person (or a later gate)
        }
        return Optional.of(e);
    }

    private String pinnedIfKnown(String tenant, String metric) {
        return Graders.isGrader(metric) ? graders.resolve(tenant, metric).orElse(metric) : metric;
    }

    /**
     * What a person asked for: each of {@code candidates} against {@code baseline} (null: its base model) on one frozen test
     * set of the project ({@link TestSets}).
     *
     * @param datasetId whose test split (null: see testSet)
     * @param testSet  a dataset all of whose records are the test set (null: datasetId, or the candidate's dataset's test split)
     * @param metric   null: the project's policy metric
     * @param maxItems null: the service's limit
     * @param metrics  more metrics to score (null: none)
     * @param maxTokens tokens per answer (null: the service's setting)
     */
    @Transactional
    public List<Evaluation> requestByHand(List<ModelVersion> candidates, ModelVersion baseline, String datasetId, String testSet,
                                          String metric, Integer maxItems, List<String> metrics, Integer maxTokens, List<String> stop,
                                          String requestedBy) {
        List<Evaluation> made = new java.util.ArrayList<>();
        for (ModelVersion candidate : candidates) {
            TestSets.Choice items = testSets.choose(candidate.tenant, candidate, baseline, datasetId, testSet);
            made.add(requestByHand(candidate, baseline, items, metric, maxItems, metrics, maxTokens, stop, requestedBy));
        }
        return made;
    }

    private Evaluation requestByHand(ModelVersion candidate, ModelVersion baseline, TestSets.Choice items, String metric, Integer maxItems,
                                     List<String> metrics, Integer maxTokens, List<String> stop, String requestedBy) {
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX_TOKENS)) {
            throw ApiException.badRequest("EVAL_MAX_TOKENS_INVALID", "maxTokens must be 1 to " + MAX_TOKENS + ", got " + maxTokens)
                    .with("field", "maxTokens");
        }
        PromotionPolicy policy = policies.of(candidate.tenant);
        String primary = metric == null ? null : metricNames.pinned(candidate.tenant, metric, "EVAL", "metric");
        List<String> extra = new java.util.ArrayList<>();
        List<String> asked = metrics == null ? List.of() : metrics;
        for (int i = 0; i < asked.size(); i++) {
            extra.add(metricNames.pinned(candidate.tenant, asked.get(i), "EVAL", "metrics[" + i + "]"));
        }
        if (maxItems != null && (maxItems < 2 || maxItems > config.maxItems())) {
            throw ApiException.badRequest("EVAL_MAX_ITEMS_INVALID", "maxItems must be 2 to " + config.maxItems() + ", got " + maxItems)
                    .with("field", "maxItems");
        }
        for (ModelVersion v : baseline == null ? List.of(candidate) : List.of(candidate, baseline)) {
            if (!v.artifactType.inBucket() && !endpoints.configured(v.backend)) {
                throw ApiException.conflict("EVAL_MODEL_NOT_EVALUABLE", v.id + " is a model " + v.backend + " answers (" + v.providerModel
                        + "), and this service cannot ask " + v.backend + ": set " + endpoints.setting(v.backend));
            }
        }
        Evaluation e = record(candidate, baseline, null, items.datasetId(), policy, primary != null ? primary : policy.metric(), extra,
                maxItems != null ? maxItems : config.maxItems());
        e.requestedBy = requestedBy;
        e.wholeDataset = items.wholeDataset();
        e.stop = StopSequences.toJson(stop);
        if (maxTokens != null) {
            e.maxTokens = maxTokens;
        }
        return e;
    }

    private Evaluation record(ModelVersion candidate, ModelVersion baseline, String championId, String datasetId, PromotionPolicy policy,
                              String metric, List<String> extraMetrics, int maxItems) {
        Evaluation e = new Evaluation();
        e.id = "ev-" + UUID.randomUUID().toString().replace("-", "");
        e.tenant = candidate.tenant;
        e.jobId = candidate.jobId;
        e.datasetId = datasetId;
        e.baseModel = candidate.baseModel;
        e.bucket = candidate.bucket;
        e.artifactType = candidate.artifactType;
        e.artifactKey = candidate.artifactKey;
        e.candidateVersionId = candidate.id;
        e.baselineVersionId = baseline == null ? null : baseline.id;
        e.championVersionId = championId;
        e.status = EvaluationStatus.PENDING;
        // A grader the policy names (as its metric or a guard) is pinned to its newest version now, like the metrics asked for:
        // a re-run judges the same way.
        e.metric = Graders.isGrader(metric) ? graders.resolve(candidate.tenant, metric).orElse(metric) : metric;
        List<PromotionPolicy.Guard> guards = policy.guards().stream()
                .map(g -> Graders.isGrader(g.metric()) ? new PromotionPolicy.Guard(graders.resolve(candidate.tenant, g.metric())
                        .orElse(g.metric()), g.margin()) : g).toList();
        e.metrics = String.join(",", MetricTable.forEvaluation(e.metric, guards.stream().map(PromotionPolicy.Guard::metric).toList(),
                extraMetrics));
        e.maxTokens = config.maxTokens();
        e.maxItems = maxItems;
        e.policyMargin = policy.margin();
        e.policyLossMargin = policy.lossMargin();
        e.policyForgettingMargin = policy.forgettingMargin();
        e.policyForgettingLossMargin = policy.forgettingLossMargin();
        e.policyAlias = policy.alias();
        e.policyAutoPromote = policy.autoPromote();
        e.policyGuards = PromotionPolicy.Guard.toJson(guards);
        e.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        e.persist();
        leases.open(EvaluationTransitions.LEASE_KIND, e.id);
        worker.startAfterCommit(e.id);
        LOG.infof("evaluation %s recorded: %s of tenant %s against %s%s (dataset %s)", e.id, candidate.id, e.tenant,
                baseline == null ? "its base " + e.baseModel : baseline.id, championId == null ? "" : " and the champion " + championId,
                e.datasetId);
        return e;
    }
}
