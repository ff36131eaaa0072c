package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/** One metric of a completed evaluation (persistence model). */
@Entity
@Table(name = "evaluation_metric")
public class EvaluationMetric extends PanacheEntityBase {

    /** The primary key: one row per metric of an evaluation. */
    @Embeddable
    public static class Key implements Serializable {

        @Column(name = "evaluation_id")
        public String evaluationId;

        @Column(name = "metric")
        public String metric;

        protected Key() {
        }

        public Key(String evaluationId, String metric) {
            this.evaluationId = evaluationId;
            this.metric = metric;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(evaluationId, k.evaluationId) && Objects.equals(metric, k.metric);
        }

        @Override
        public int hashCode() {
            return Objects.hash(evaluationId, metric);
        }
    }

    @EmbeddedId
    public Key key;

    /** Its place in the evaluation's list (0: the primary metric). */
    @Column(nullable = false)
    public int position;

    @Column(name = "baseline_mean", nullable = false)
    public double baselineMean;

    @Column(name = "candidate_mean", nullable = false)
    public double candidateMean;

    @Column(name = "difference_mean", nullable = false)
    public double differenceMean;

    @Column(name = "ci_low", nullable = false)
    public double ciLow;

    @Column(name = "ci_high", nullable = false)
    public double ciHigh;

    @Column(name = "minimum_detectable_effect")
    public Double minimumDetectableEffect;

    @Column(name = "mcnemar_p_value")
    public Double mcNemarPValue;

    @Column(name = "champion_mean")
    public Double championMean;

    @Column(name = "champion_difference_mean")
    public Double championDifferenceMean;

    @Column(name = "champion_ci_low")
    public Double championCiLow;

    @Column(name = "champion_ci_high")
    public Double championCiHigh;

    /** The evaluation's metrics in their order, the primary first. */
    public static List<EvaluationMetric> of(String evaluationId) {
        return find("key.evaluationId = ?1 order by position", evaluationId).list();
    }
}
