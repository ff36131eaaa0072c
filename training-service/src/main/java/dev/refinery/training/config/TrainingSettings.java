package dev.refinery.training.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** training-service settings ({@code refinery.training.*}, env {@code REFINERY_TRAINING_*}). */
@ConfigMapping(prefix = "refinery.training")
public interface TrainingSettings {

    /** Local scratch space: downloaded checkpoints, checkpoints being written, the adapter before upload. One folder per job. */
    @WithDefault("${java.io.tmpdir}/refinery-training")
    String workDir();

    /** Base model of a job that does not name one. */
    @WithDefault("stories260K")
    String defaultBaseModel();

    /** How many jobs train at the same time in this process; the others wait in the queue (state QUEUED). */
    @WithDefault("1")
    int poolSize();

    /**
     * Attempts a job gets: an attempt that is interrupted (crash, restart, lost storage) is resumed by the
     * next one; when this many were interrupted, the job fails instead of looping forever.
     */
    @WithDefault("3")
    int maxAttempts();

    /**
     * How long another instance's claim on a RUNNING job is honoured without a heartbeat. A job whose
     * claim is older is considered abandoned and resumed here.
     */
    @WithDefault("PT2M")
    Duration claimLease();

    /** How often the sweeper looks for QUEUED or RUNNING jobs that no worker holds (read by {@code @Scheduled}). */
    @WithDefault("30s")
    String sweepInterval();

    /** How often this process renews the claims of the jobs it trains (read by {@code @Scheduled}). */
    @WithDefault("20s")
    String heartbeatInterval();
}
