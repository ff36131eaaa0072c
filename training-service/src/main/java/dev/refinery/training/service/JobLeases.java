package dev.refinery.training.service;

import dev.refinery.kit.lease.LeaseKeeper;
import dev.refinery.kit.lease.LeaseKind;
import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.work.WorkerIdentity;
import dev.refinery.training.config.TrainingSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The work lease of every job while it is unfinished (kind {@code training-job}): opened with the job, claimed by the
 * process that submits it, follows it at its provider or trains it on the engine, renewed while that goes on, and
 * completed with its outcome. One keeper per process renews every job lease this process holds.
 */
@ApplicationScoped
public class JobLeases {

    public static final String KIND_NAME = "training-job";

    @Inject
    TrainingSettings settings;

    @Inject
    WorkLeases table;

    @Inject
    WorkerIdentity worker;

    private LeaseKind kind;
    private LeaseKeeper keeper;

    @PostConstruct
    void start() {
        kind = new LeaseKind(KIND_NAME, settings.claimLease(), settings.maxAttempts(), settings.retryBackoff(), settings.maxRetryBackoff());
        keeper = new LeaseKeeper(table, kind);
    }

    public LeaseKind kind() {
        return kind;
    }

    public WorkLeases table() {
        return table;
    }

    public LeaseKeeper keeper() {
        return keeper;
    }

    /** This process's name in the lease table. */
    public String holder() {
        return worker.id();
    }

    @PreDestroy
    void stop() {
        keeper.close();
    }
}
