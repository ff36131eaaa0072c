package dev.refinery.training.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
     * Attempts of a job that may fail for a reason of their own, or die with their process, before the job is failed
     * (JOB_INTERRUPTED); a stop of the service or a transient outage (database, storage, broker) is never counted.
     */
    @WithDefault("3")
    int maxAttempts();

    /**
     * How long a job's lease lasts without renewal (renewed every third of it while the job is worked on). A lease not
     * renewed for this long belongs to a dead process: another takes the job over and resumes it.
     */
    @WithDefault("PT2M")
    Duration claimLease();

    /** How often the sweeper hands this process the jobs whose lease is due (new, retried, or abandoned by a dead process). */
    @WithDefault("30s")
    String sweepInterval();

    /** The first wait before an attempt that failed, or was paused by a transient failure, is tried again; it doubles each time. */
    @WithDefault("PT5S")
    Duration retryBackoff();

    /** The longest such wait. */
    @WithDefault("PT5M")
    Duration maxRetryBackoff();

    /** Provider jobs submitted (uploads and create) at the same time. */
    @WithDefault("2")
    int submitThreads();

    /** Hosted providers: where they are, their keys from the environment, how often jobs there are polled. */
    Providers providers();

    /** Spending caps. */
    Budget budget();

    /** How per-tenant provider keys are stored. */
    Secrets secrets();

    /** The {@code kubernetes} backend: trainer Jobs on the cluster's GPUs (off unless enabled). */
    Kubernetes kubernetes();

    /** Continuous fine-tuning pipelines. */
    Pipelines pipelines();

    interface Pipelines {
        /** How often pipelines with something to do are moved on: queued runs started, next attempts submitted. */
        @WithDefault("10s")
        String sweepInterval();

        /**
         * ingest-service, which owns collections: a pipeline is created only on a collection of the project's own, asked there
         * as the project. Unset (this service's own tests, where ingest-service does not run): not checked, and a pipeline on
         * a collection that is not the project's simply never runs (versions carry their project).
         */
        Optional<String> ingestUrl();

        /**
         * eval-service, which a drift pipeline asks to score its champion on each new version (as the project). Unset: a
         * pipeline cannot be created with the drift trigger.
         */
        Optional<String> evalUrl();

        /**
         * inference-service, where a pipeline with a shadow phase opens its trials and reads them back (as the project).
         * Unset: a pipeline cannot be created with a shadow phase.
         */
        Optional<String> inferenceUrl();

        /**
         * How long a run waits for its job's evaluation after the job ended; then it fails ({@code PIPELINE_EVAL_MISSING})
         * and pauses its pipeline rather than holding it forever.
         */
        @WithDefault("PT6H")
        Duration evaluationWithin();
    }

    interface Providers {
        Provider together();

        Provider fireworks();

        Provider openai();

        /** Threads following provider jobs (each blocks on one HTTP call at a time). */
        @WithDefault("8")
        int trackerThreads();

        @WithDefault("PT15S")
        Duration pollRunning();

        @WithDefault("PT60S")
        Duration pollQueued();

        /** Ceiling of the back-off after failed polls. */
        @WithDefault("PT10M")
        Duration maxPollBackoff();

        /** Retries of a 429/5xx/timeout inside one call (the Together SDK's 5). */
        @WithDefault("5")
        int maxRetries();

        @WithDefault("PT0.5S")
        Duration retryInitialDelay();

        @WithDefault("PT60S")
        Duration requestTimeout();

        @WithDefault("PT30M")
        Duration uploadTimeout();

        /** Most requests in flight to one provider for one tenant. */
        @WithDefault("16")
        int maxConcurrentRequests();
    }

    interface Provider {
        /** Base URL of the API (the provider's own when unset; a stub's in tests). */
        Optional<String> baseUrl();

        /** The deployment's key (env TOGETHER_API_KEY, FIREWORKS_API_KEY, OPENAI_API_KEY); a tenant's stored key wins. */
        Optional<String> apiKey();

        /** Fireworks only: FIREWORKS_ACCOUNT_ID. */
        Optional<String> accountId();

        /**
         * Root of the provider's chat-completions API, when a stub's (tests) or a proxy's; unset: the provider's public one
         * (Together and OpenAI serve it under the fine-tuning API's root, Fireworks under /inference/v1).
         */
        Optional<String> inferenceUrl();
    }

    /**
     * The tenants that may run provider jobs on the deployment's own keys (the environment's) when they have stored none:
     * any other tenant must store its own key first, so a new tenant id never spends the operator's account.
     */
    @WithDefault("default")
    List<String> deploymentKeyTenants();

    interface Budget {
        /** Every tenant's cap in US dollars over all its provider jobs (estimates of unfinished ones, actual costs of finished ones); unset = no cap. */
        Optional<BigDecimal> tenantUsd();
    }

    /**
     * Where and how trainer Jobs run ({@code KubernetesTrainerConfig}). The API server and its credentials are the
     * extension's own settings ({@code quarkus.kubernetes-client.*}; in a pod, its service account).
     */
    interface Kubernetes {
        /** Off by default: the service then needs no cluster, and a job asking for the backend is refused naming this setting. */
        @WithDefault("false")
        boolean enabled();

        /** The namespace of the Jobs, their pods and the S3 Secret. */
        @WithDefault("refinery-training")
        String namespace();

        /** The trainer image built from deploy/trainer/ (required once enabled). */
        Optional<String> image();

        /** {@code nvidia.com/gpu} limit of the trainer container. */
        @WithDefault("1")
        int gpusPerJob();

        /** REFINERY_S3_ENDPOINT as the pods see it; this service's own endpoint when unset. */
        Optional<String> s3Endpoint();

        /** The Secret with keys access-key, secret-key (and optionally hf-token) for the pods. */
        @WithDefault("refinery-s3")
        String s3SecretName();

        /** Retries of a crashed pod; bad data or a bad spec is never retried. */
        @WithDefault("2")
        int backoffLimit();

        /** The longest a Job may run, retries included. */
        @WithDefault("PT24H")
        Duration activeDeadline();

        /** How long Kubernetes keeps a finished Job and its pods (and their logs). */
        @WithDefault("PT24H")
        Duration ttlAfterFinished();

        /** The pods' service account; the namespace default when unset. */
        Optional<String> serviceAccount();

        /** Node labels the pods must land on (a GPU pool), e.g. {@code node-selector."gpu-pool"=h200}. */
        Map<String, String> nodeSelector();

        /** Container memory limit such as 64Gi; none when unset. */
        Optional<String> memoryLimit();
    }

    interface Secrets {
        /** Base64 of a 256-bit AES key; without it per-tenant keys cannot be stored (environment keys still work). */
        Optional<String> key();
    }
}
