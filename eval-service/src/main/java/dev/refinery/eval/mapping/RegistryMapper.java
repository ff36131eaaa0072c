package dev.refinery.eval.mapping;

import dev.refinery.eval.registry.PromotionPolicy;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.ModelAlias;
import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.eval.repository.Promotion;
import dev.refinery.eval.rest.AliasView;
import dev.refinery.eval.rest.ModelVersionView;
import dev.refinery.eval.rest.PromotionView;
import dev.refinery.eval.rest.RegistryRequests;

import java.util.List;

/** Registry entities to API views. */
public final class RegistryMapper {

    private RegistryMapper() {
    }

    /** A version in a list: without its evaluations and promotions. */
    public static ModelVersionView summary(ModelVersion v, List<String> aliases) {
        return view(v, aliases, null, null);
    }

    public static ModelVersionView view(ModelVersion v, List<String> aliases, List<Evaluation> evaluations, List<Promotion> promotions) {
        return new ModelVersionView(v.id, v.displayName(), v.jobId, v.datasetId, v.baseModel, v.backend, v.registeredBy,
                new ModelVersionView.Artifact(v.artifactType.wireName(), v.bucket, v.artifactKey, v.providerModel), aliases, v.createdAt,
                evaluations == null || v.jobId == null ? null : new ModelVersionView.Lineage("/v1/datasets/" + v.datasetId,
                        "/v1/datasets/" + v.datasetId + "/problems", "/v1/fine-tunes/" + v.jobId, "/v1/evals?jobId=" + v.jobId),
                evaluations == null ? null : evaluations.stream().map(e -> new ModelVersionView.EvaluationRef(e.id, e.status.name(),
                        e.outcome == null ? null : e.outcome.name(), e.decision == null ? null : e.decision.name(), e.createdAt)).toList(),
                promotions == null ? null : promotions.stream().map(RegistryMapper::view).toList());
    }

    public static PromotionView view(Promotion p) {
        return new PromotionView(p.id, p.alias, p.kind.name().toLowerCase(), p.modelVersionId, p.previousVersionId, p.automatic,
                p.evaluationId, p.actor, p.reason, p.undone, p.createdAt);
    }

    public static AliasView view(ModelAlias a, ModelVersion holder, List<Promotion> history) {
        return new AliasView(a.key.name, a.modelVersionId, holder == null ? null : holder.displayName(), a.updatedAt,
                history == null ? null : history.stream().map(RegistryMapper::view).toList());
    }

    public static RegistryRequests.Policy view(PromotionPolicy p) {
        return new RegistryRequests.Policy(p.metric(), p.margin(), p.lossMargin(), p.forgettingMargin(), p.forgettingLossMargin(), p.alias(),
                p.autoPromote(),
                p.guards().stream().map(g -> new RegistryRequests.Guard(g.metric(), g.margin())).toList());
    }

    /** A policy request as a change: {@code forgettingLossMargin} -1 clears it. */
    public static PromotionPolicy.Change change(RegistryRequests.Policy body) {
        boolean clears = body.forgettingLossMargin() != null && body.forgettingLossMargin() == -1;
        return new PromotionPolicy.Change(body.metric(), body.margin(), body.lossMargin(), body.forgettingMargin(),
                clears ? null : body.forgettingLossMargin(), clears, body.alias(), body.autoPromote(), guards(body.guards()));
    }

    /** The request's guards (null: keep the current ones); a guard without a margin has margin 0. */
    private static List<PromotionPolicy.Guard> guards(List<RegistryRequests.Guard> guards) {
        return guards == null ? null : guards.stream()
                .map(g -> g == null ? null : new PromotionPolicy.Guard(g.metric(), g.margin() == null ? 0 : g.margin())).toList();
    }
}
