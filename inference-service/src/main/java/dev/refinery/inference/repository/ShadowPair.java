package dev.refinery.inference.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * One judged pair of a shadow trial. Its own id, not the answer's: a server may give every answer the same id, and each
 * mirrored request is judged once anyway (one background task each).
 */
@Entity
@Table(name = "shadow_pair")
public class ShadowPair extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "trial_id", nullable = false)
    public String trialId;

    /** The id of the answer the caller received. */
    @Column(name = "response_id", nullable = false)
    public String responseId;

    /** WIN, LOSS or TIE for the challenger; UNCLEAR when the judge said neither A nor B or a model could not be asked. */
    @Column(nullable = false)
    public String outcome;

    @Column(name = "judged_at", nullable = false)
    public OffsetDateTime judgedAt;
}
