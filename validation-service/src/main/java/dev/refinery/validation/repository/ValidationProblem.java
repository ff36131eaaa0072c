package dev.refinery.validation.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** One kept problem of a run (the first ones of each rule; all are counted in the run's rule counts). */
@Entity
@Table(name = "validation_problem")
public class ValidationProblem extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "validation_problem_seq")
    @SequenceGenerator(name = "validation_problem_seq", sequenceName = "validation_problem_seq", allocationSize = 50)
    public Long id;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    /** The run's tenant, kept with each problem so that a query of problems can always say whose it reads. */
    @Column(nullable = false)
    public String tenant;

    /** 1-based line; null for a problem of the whole dataset. */
    public Long line;

    @Column(nullable = false)
    public String code;

    @Column(nullable = false, columnDefinition = "TEXT")
    public String path;

    @Column(nullable = false, columnDefinition = "TEXT")
    public String message;

    @Column(nullable = false, columnDefinition = "TEXT")
    public String hint;
}
