package dev.refinery.inference.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;

/** The latest feedback on a captured answer: a second one replaces the first. */
@Entity
@Table(name = "capture_feedback")
public class ExchangeFeedback extends PanacheEntityBase {

    @Id
    @Column(name = "response_id")
    public String responseId;

    @Column(nullable = false)
    public String tenant;

    /** 1 to 5, or null. */
    public Short rating;

    /** up, down or null. */
    public String thumbs;

    /** The answer the model should have given, or null. */
    public String correction;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    public static List<ExchangeFeedback> ofResponses(Collection<String> ids) {
        return ids.isEmpty() ? List.of() : list("responseId in ?1", ids);
    }
}
