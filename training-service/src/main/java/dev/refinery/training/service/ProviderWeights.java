package dev.refinery.training.service;

import dev.refinery.kit.work.DaemonThreads;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.providers.spi.ArtifactDownload;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.training.backend.Backends;
import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Copies a finished provider job's trained weights into our bucket when the user asks (Together's
 * {@code /finetune/download}: the LoRA adapter, or the model of a full fine-tune), so the result outlives the
 * provider account. One download at a time, in the background (archives can be gigabytes): through a
 * temporary file, because the provider writes a stream and the bucket takes one. The job's history says
 * when it starts, where the archive went and how big it is, or why it failed.
 */
@ApplicationScoped
public class ProviderWeights {

    private static final Logger LOG = Logger.getLogger(ProviderWeights.class);

    @Inject
    JobService jobs;

    @Inject
    Backends backends;

    @Inject
    JobStore store;

    @Inject
    ObjectStorage storage;

    private final ExecutorService downloads = Executors.newSingleThreadExecutor(DaemonThreads.named("provider-weights-download"));

    /** Where a job's downloaded weights go, without the archive's extension (the provider decides .tar.gz or .tar.zst). */
    public static String keyPrefix(String jobId) {
        return "jobs/" + jobId + "/provider-weights";
    }

    /** Checks the job can be downloaded and starts the copy; answers at once. */
    public Job requestDownload(String jobId) {
        Job job = jobs.get(jobId);
        Capabilities caps = Backends.capabilities(job.backend);
        if (caps.data() == Capabilities.DataPlacement.IN_OUR_BUCKET || job.artifactKey != null) {
            throw ApiException.conflict("JOB_DOWNLOAD_NOT_NEEDED", "job " + jobId + " ran on " + job.backend
                    + ": its result is already in the bucket (" + (job.artifactKey == null ? "once it succeeds" : job.artifactKey) + ")");
        }
        if (job.status != JobStatus.SUCCEEDED || job.providerJobId == null) {
            throw ApiException.conflict("JOB_NOT_SUCCEEDED", "job " + jobId + " is " + job.status + "; only a SUCCEEDED job has weights to download");
        }
        if (!caps.weightsDownload()) {
            throw ApiException.conflict("JOB_DOWNLOAD_UNSUPPORTED", job.backend + " does not offer trained weights for download; the model "
                    + "stays at the provider as " + job.outputModel);
        }
        TrainingBackend backend = backends.forTenant(job.tenantId, job.backend);
        store.note(jobId, "INFO", "downloading the trained weights from " + job.backend + " into the bucket");
        String providerJobId = job.providerJobId;
        downloads.execute(() -> copy(jobId, backend, providerJobId));
        return job;
    }

    private void copy(String jobId, TrainingBackend backend, String providerJobId) {
        Path temp = null;
        try {
            temp = Files.createTempFile("refinery-" + jobId + "-", ".weights");
            ArtifactDownload download;
            try (OutputStream out = Files.newOutputStream(temp)) {
                download = backend.download(providerJobId, null, out);
            }
            String key = keyPrefix(jobId) + "." + download.fileExtension();
            try (InputStream in = Files.newInputStream(temp)) {
                storage.put(key, in, download.contentType().isBlank() ? "application/octet-stream" : download.contentType());
            }
            store.note(jobId, "INFO", "downloaded the trained weights: " + download.bytes() + " bytes to " + key + " in bucket "
                    + storage.bucket());
        } catch (IOException | RuntimeException e) { // ProviderException included: the provider said no or went away
            LOG.warnf("download of job %s's weights failed: %s", jobId, e.getMessage());
            store.note(jobId, "WARNING", "downloading the trained weights failed: " + e.getMessage() + "; ask again to retry");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a temporary file left behind is the operating system's to clean
                }
            }
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        downloads.shutdownNow();
    }
}
