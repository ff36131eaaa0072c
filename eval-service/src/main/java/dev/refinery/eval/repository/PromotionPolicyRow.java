package dev.refinery.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A project's promotion policy as stored (persistence model); a project without one gets the defaults. */
@Entity
@Table(name = "promotion_policy")
public class PromotionPolicyRow extends PanacheEntityBase {

    @Id
    public String tenant;

    /** The primary metric; null: the service's default metric. */
    public String metric;

    @Column(nullable = false)
    public double margin;

    @Column(name = "loss_margin", nullable = false)
    public double lossMargin;

    @Column(name = "forgetting_margin", nullable = false)
    public double forgettingMargin;

    /** Null: the general-ability loss is reported, not gated. */
    @Column(name = "forgetting_loss_margin")
    public Double forgettingLossMargin;

    @Column(nullable = false)
    public String alias;

    @Column(name = "auto_promote", nullable = false)
    public boolean autoPromote;

    /** Guard metrics as JSON: [{"metric", "margin"}]; null for none. */
    @Column(columnDefinition = "TEXT")
    public String guards;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
