package dev.refinery.eval.registry;

import dev.refinery.eval.config.EvalConfig;
import dev.refinery.eval.grading.MetricNames;
import dev.refinery.eval.repository.PromotionPolicyRow;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Each project's promotion policy: the stored one, or the defaults (the service's metric, margin 0, champion, automatic). */
@ApplicationScoped
public class PromotionPolicies {

    private static final int MAX_GUARDS = 10;
    private static final double MAX_LOSS_MARGIN = 10;

    @Inject
    EvalConfig config;

    @Inject
    MetricNames metricNames;

    @Transactional
    public PromotionPolicy of(String tenant) {
        PromotionPolicyRow row = PromotionPolicyRow.findById(tenant);
        if (row == null) {
            return PromotionPolicy.defaults(config.metric());
        }
        return new PromotionPolicy(row.metric == null ? config.metric() : row.metric, row.margin, row.lossMargin, row.forgettingMargin,
                row.forgettingLossMargin, row.alias, row.autoPromote,
                PromotionPolicy.Guard.fromJson(row.guards));
    }

    /**
     * Replaces the project's policy; fields left null keep their current value.
     *
     * @throws ApiException 400 naming the field when a value is out of range or the metric is unknown
     */
    @Transactional
    public PromotionPolicy update(String tenant, PromotionPolicy.Change change, String actor) {
        String metric = change.metric();
        Double margin = change.margin();
        Double lossMargin = change.lossMargin();
        Double forgettingMargin = change.forgettingMargin();
        String alias = change.alias();
        Boolean autoPromote = change.autoPromote();
        List<PromotionPolicy.Guard> guards = change.guards();
        PromotionPolicy current = of(tenant);
        if (metric != null) {
            metricNames.requireKnown(tenant, metric, "POLICY", "metric");
        }
        if (guards != null) {
            if (guards.size() > MAX_GUARDS) {
                throw ApiException.badRequest("POLICY_GUARDS_INVALID", "at most " + MAX_GUARDS + " guards, got " + guards.size())
                        .with("field", "guards");
            }
            for (int i = 0; i < guards.size(); i++) {
                PromotionPolicy.Guard g = guards.get(i);
                if (g == null || g.metric() == null) {
                    throw ApiException.badRequest("POLICY_GUARDS_INVALID", "guard " + i + " needs a metric and a margin").with("field", "guards[" + i + "]");
                }
                metricNames.requireKnown(tenant, g.metric(), "POLICY", "guards[" + i + "].metric");
                if (!(g.margin() >= 0 && g.margin() < 1)) {
                    throw ApiException.badRequest("POLICY_GUARDS_INVALID", "guard " + g.metric() + ": margin must be at least 0 and below 1, got "
                            + g.margin()).with("field", "guards[" + i + "].margin");
                }
            }
        }
        if (margin != null && !(margin >= 0 && margin < 1)) {
            throw ApiException.badRequest("POLICY_MARGIN_INVALID", "margin must be at least 0 and below 1 (a difference of the metric, "
                    + "which lies in [0, 1]), got " + margin).with("field", "margin");
        }
        if (lossMargin != null && !(lossMargin >= 0 && lossMargin <= MAX_LOSS_MARGIN)) {
            throw ApiException.badRequest("POLICY_LOSS_MARGIN_INVALID", "lossMargin must be 0 to " + MAX_LOSS_MARGIN
                    + " (nats per token the held-out loss may rise), got " + lossMargin).with("field", "lossMargin");
        }
        if (forgettingMargin != null && !(forgettingMargin >= 0 && forgettingMargin < 1)) {
            throw ApiException.badRequest("POLICY_FORGETTING_MARGIN_INVALID", "forgettingMargin must be at least 0 and below 1 (ROUGE-L "
                    + "the continuations may lose), got " + forgettingMargin).with("field", "forgettingMargin");
        }
        if (change.forgettingLossMargin() != null && !(change.forgettingLossMargin() >= 0 && change.forgettingLossMargin() <= MAX_LOSS_MARGIN)) {
            throw ApiException.badRequest("POLICY_FORGETTING_MARGIN_INVALID", "forgettingLossMargin must be 0 to " + MAX_LOSS_MARGIN
                    + " (nats per token the general-ability loss may rise), got " + change.forgettingLossMargin())
                    .with("field", "forgettingLossMargin");
        }
        if (alias != null) {
            ModelRegistry.requireAliasName(alias, "alias");
        }
        PromotionPolicyRow row = PromotionPolicyRow.findById(tenant);
        if (row == null) {
            row = new PromotionPolicyRow();
            row.tenant = tenant;
        }
        row.metric = metric != null ? metric : current.metric();
        row.margin = margin != null ? margin : current.margin();
        row.lossMargin = lossMargin != null ? lossMargin : current.lossMargin();
        row.forgettingMargin = forgettingMargin != null ? forgettingMargin : current.forgettingMargin();
        row.forgettingLossMargin = change.clearsForgettingLossMargin() ? null
                : change.forgettingLossMargin() != null ? change.forgettingLossMargin() : current.forgettingLossMargin();
        row.alias = alias != null ? alias : current.alias();
        row.autoPromote = autoPromote != null ? autoPromote : current.autoPromote();
        row.guards = PromotionPolicy.Guard.toJson(guards != null ? guards : current.guards());
        row.updatedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        row.updatedBy = actor;
        row.persist();
        return of(tenant);
    }
}
