package dev.refinery.providers.spi;

import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.JobSpec;
import dev.refinery.providers.spec.ProviderDefaults;
import dev.refinery.providers.spec.SpecValues;

import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A place that trains: a hosted provider, the Kubernetes GPU worker or the local engine. Every call is blocking
 * and thread-safe; every failure is a {@link ProviderException}. Ids are the backend's own, so a caller that
 * stored them can reattach after a restart with {@link #get}.
 */
public interface TrainingBackend {

    /** Stable short name: "together", "fireworks", "openai", "kubernetes", "local". */
    String name();

    Capabilities capabilities();

    /** The defaults this backend documents, for {@link EffectiveSpec#resolve}. */
    ProviderDefaults providerDefaults();

    /** User settings over catalog defaults over this backend's defaults, each with its source. */
    default EffectiveSpec resolve(JobSpec spec, SpecValues catalogDefaults) {
        return EffectiveSpec.resolve(spec, catalogDefaults, providerDefaults(), capabilities().defaultTrainingType());
    }

    /** Puts a dataset file where the backend can train on it; returns its id there. */
    UploadedFile upload(DatasetFile file);

    /**
     * Starts a job. {@code idempotencyKey} identifies this submission: a backend that can look a job up by it
     * (OpenAI metadata, Fireworks job id) returns the existing job on a repeated call instead of starting a
     * second one; the others retry the POST only where the provider certainly did not act on it.
     */
    ProviderJob create(EffectiveSpec spec, UploadedFile training, UploadedFile validationOrNull, String idempotencyKey);

    ProviderJob get(String providerJobId);

    /** Events newer than {@code cursorOrNull} (all of them when null), oldest first. */
    Page<ProviderEvent> events(String providerJobId, String cursorOrNull);

    /** Every metric point the provider has for the job, by step. */
    List<MetricPoint> metrics(String providerJobId);

    List<ProviderCheckpoint> checkpoints(String providerJobId);

    ProviderJob cancel(String providerJobId);

    default ProviderJob pause(String providerJobId) {
        throw new ProviderException(name(), ErrorCode.PROVIDER_UNSUPPORTED, name() + " cannot pause a job");
    }

    default ProviderJob resume(String providerJobId) {
        throw new ProviderException(name(), ErrorCode.PROVIDER_UNSUPPORTED, name() + " cannot resume a paused job");
    }

    /** Streams a checkpoint's weights (the final one when {@code checkpointOrNull} is null) into {@code out}. */
    default ArtifactDownload download(String providerJobId, ProviderCheckpoint checkpointOrNull, OutputStream out) {
        throw new ProviderException(name(), ErrorCode.PROVIDER_UNSUPPORTED, name() + " does not offer weight downloads");
    }

    /**
     * The job this key already created on {@code training}, if any: for a caller that sent a create and lost the
     * answer (a crash before the id was stored, a timeout) and must not create a second job. Files are uploaded per
     * submission, so the training file's id names the submission. Backends whose create is idempotent by itself
     * (Fireworks: the job id is ours; Kubernetes: the Job's name is ours) return empty and let a repeated create
     * meet the existing job; the others (Together, OpenAI) list their jobs and match {@code training_file}.
     */
    default Optional<ProviderJob> findSubmitted(UploadedFile training) {
        return Optional.empty();
    }

    /** Jobs this key can see, newest first where the provider orders them, one page at a time. */
    default Page<ProviderJob> list(String cursorOrNull) {
        throw new ProviderException(name(), ErrorCode.PROVIDER_UNSUPPORTED, name() + " cannot list jobs");
    }
}
