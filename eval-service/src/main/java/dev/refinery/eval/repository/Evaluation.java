package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import dev.refinery.eval.registry.Decision;
import dev.refinery.eval.registry.Outcome;
import dev.refinery.eval.registry.PromotionPolicy;
import dev.refinery.eval.service.StopSequences;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * An evaluation of a model version against a baseline (its base model or another version) and the project's champion,
 * with the promotion policy's decision (persistence model; never sent over the wire as is).
 */
@Entity
@Table(name = "evaluation")
public class Evaluation extends PanacheEntityBase {

    @Id
    public String id;

    /** The project that owns it (and its per-item results): its job's tenant. The API shows it to no other. */
    @Column(nullable = false)
    public String tenant;

    /** The candidate's job; null for a model registered from an endpoint. */
    @Column(name = "job_id")
    public String jobId;

    /** Where the test items come from: this dataset's test split, or all of its records ({@link #wholeDataset}). */
    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    /** True: every record the dataset's check kept is a test item (a file uploaded as a test set); false: its test split. */
    @Column(name = "whole_dataset", nullable = false)
    public boolean wholeDataset;

    @Column(name = "base_model", nullable = false)
    public String baseModel;

    /** Null for a model its provider keeps (asked through the provider's API). */
    public String bucket;

    /** What is evaluated against the base. */
    @Enumerated(EnumType.STRING)
    @Column(name = "artifact_type", nullable = false)
    public ArtifactType artifactType;

    /** Its folder in {@link #bucket}: {@code jobs/{jobId}/adapter/} or {@code jobs/{jobId}/model/}. */
    @Column(name = "artifact_key")
    public String artifactKey;

    /** CloudEvents id of the job-completed event that asked for it; null for one a person asked for. */
    @Column(name = "source_event_id")
    public String sourceEventId;

    /** Who asked for it through the API (key prefix or token subject); null for one a finished job asked for. */
    @Column(name = "requested_by")
    public String requestedBy;

    /** The registered version evaluated. */
    @Column(name = "candidate_version_id")
    public String candidateVersionId;

    /** The version it must beat; null: its base model as it ships. */
    @Column(name = "baseline_version_id")
    public String baselineVersionId;

    /** The project's champion when the evaluation was asked for, also compared; null when there was none to compare with. */
    @Column(name = "champion_version_id")
    public String championVersionId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public EvaluationStatus status;

    /** The primary metric. */
    @Column(nullable = false)
    public String metric;

    /** Every metric scored, comma-separated, the primary first (null for evaluations from before the metric table). */
    public String metrics;

    @Column(name = "max_tokens", nullable = false)
    public int maxTokens;

    @Column(name = "max_items", nullable = false)
    public int maxItems;

    /** Stop sequences of the fixed decoding, as a JSON array; null: none. */
    @Column(columnDefinition = "TEXT")
    public String stop;

    public Integer items;

    @Column(name = "baseline_model")
    public String baselineModel;

    @Column(name = "candidate_model")
    public String candidateModel;

    @Column(name = "baseline_mean")
    public Double baselineMean;

    @Column(name = "candidate_mean")
    public Double candidateMean;

    @Column(name = "baseline_loss")
    public Double baselineLoss;

    @Column(name = "candidate_loss")
    public Double candidateLoss;

    @Column(name = "difference_mean")
    public Double differenceMean;

    @Column(name = "ci_low")
    public Double ciLow;

    @Column(name = "ci_high")
    public Double ciHigh;

    public Double confidence;

    @Enumerated(EnumType.STRING)
    public Verdict verdict;

    @Column(name = "items_key")
    public String itemsKey;

    @Column(name = "champion_model")
    public String championModel;

    @Column(name = "champion_mean")
    public Double championMean;

    @Column(name = "champion_loss")
    public Double championLoss;

    @Column(name = "champion_difference_mean")
    public Double championDifferenceMean;

    @Column(name = "champion_ci_low")
    public Double championCiLow;

    @Column(name = "champion_ci_high")
    public Double championCiHigh;

    /** Upper 95% bound of the per-item held-out loss, candidate - baseline: the guard's figure. */
    @Column(name = "loss_difference_ci_high")
    public Double lossDifferenceHigh;

    @Enumerated(EnumType.STRING)
    public Outcome outcome;

    @Enumerated(EnumType.STRING)
    public Decision decision;

    /** The policy's reasons, one per line, as a person reads them. */
    @Column(name = "decision_reasons", columnDefinition = "TEXT")
    public String decisionReasons;

    /** The project's policy when the evaluation was asked for (its metric is {@link #metric}). */
    @Column(name = "policy_margin")
    public Double policyMargin;

    @Column(name = "policy_loss_margin")
    public Double policyLossMargin;

    @Column(name = "policy_alias")
    public String policyAlias;

    @Column(name = "policy_auto_promote")
    public Boolean policyAutoPromote;

    @Column(name = "policy_forgetting_margin")
    public Double policyForgettingMargin;

    @Column(name = "policy_forgetting_loss_margin")
    public Double policyForgettingLossMargin;

    /** The forgetting guard's figures ({@code ForgettingCheck}); null when the base model has no general-ability set. */
    @Column(name = "forgetting_items")
    public Integer forgettingItems;

    @Column(name = "forgetting_baseline_loss")
    public Double forgettingBaselineLoss;

    @Column(name = "forgetting_candidate_loss")
    public Double forgettingCandidateLoss;

    @Column(name = "forgetting_loss_ci_high")
    public Double forgettingLossHigh;

    @Column(name = "forgetting_baseline_generation")
    public Double forgettingBaselineGeneration;

    @Column(name = "forgetting_candidate_generation")
    public Double forgettingCandidateGeneration;

    @Column(name = "forgetting_generation_ci_low")
    public Double forgettingGenerationLow;

    /** The policy's guard metrics, as JSON ({@link PromotionPolicy.Guard}). */
    @Column(name = "policy_guards", columnDefinition = "TEXT")
    public String policyGuards;

    @Column(name = "failure_code")
    public String failureCode;

    @Column(name = "failure_reason", columnDefinition = "TEXT")
    public String failureReason;

    /**
     * Attempts started, as the API shows them: the number of the evaluation's work-lease claim that started last (the
     * lease, kind {@code evaluation}, holds who runs it and why its last attempt stopped).
     */
    @Column(nullable = false)
    public int attempts;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    /** Optimistic lock: a writer that forgot to take the lease's lock cannot silently overwrite another's update. */
    @Version
    public long version;

    /** The evaluation {@code id} if {@code tenant} owns it: another tenant's is as absent as one that does not exist. */
    public static Optional<Evaluation> owned(String tenant, String id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResultOptional();
    }

    public static List<Evaluation> byJob(String tenant, String jobId, int limit) {
        return find("tenant = ?1 and jobId = ?2 order by createdAt desc, id", tenant, jobId).page(0, limit).list();
    }

    public static List<Evaluation> newest(String tenant, int limit) {
        return find("tenant = ?1 order by createdAt desc, id", tenant).page(0, limit).list();
    }

    /**
     * Across tenants: a job id is unique platform-wide, and a finished job asks for one evaluation whoever owns it (those a
     * person asks for do not count).
     */
    public static boolean existsForJob(String jobId) {
        return count("jobId = ?1 and sourceEventId is not null", jobId) > 0;
    }

    /** The evaluations of a version, newest first. */
    public static List<Evaluation> ofVersion(String tenant, String versionId, int limit) {
        return find("tenant = ?1 and candidateVersionId = ?2 order by createdAt desc, id", tenant, versionId).page(0, limit).list();
    }

    /** The policy the evaluation was asked under. */
    public PromotionPolicy policy() {
        return new PromotionPolicy(metric, policyMargin == null ? 0 : policyMargin,
                policyLossMargin == null ? PromotionPolicy.DEFAULT_LOSS_MARGIN : policyLossMargin,
                policyForgettingMargin == null ? PromotionPolicy.DEFAULT_FORGETTING_MARGIN : policyForgettingMargin, policyForgettingLossMargin,
                policyAlias == null ? PromotionPolicy.CHAMPION : policyAlias, policyAutoPromote != null && policyAutoPromote,
                PromotionPolicy.Guard.fromJson(policyGuards));
    }

    /** The stop sequences of its decoding. */
    public List<String> stopList() {
        return StopSequences.fromJson(stop);
    }

    /** The metrics it scores, primary first. */
    public List<String> metricList() {
        return metrics == null ? List.of(metric) : List.of(metrics.split(","));
    }
}
