package dev.refinery.training.backend.kubernetes;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.kit.storage.S3Config;
import dev.refinery.providers.kubernetes.KubernetesTrainerBackend;
import dev.refinery.providers.kubernetes.KubernetesTrainerConfig;
import dev.refinery.training.config.TrainingSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The {@code kubernetes} backend: trainer Jobs on the cluster's GPUs, through the extension's {@link KubernetesClient}.
 * Optional: while {@code refinery.training.kubernetes.enabled} is false the client is never even built, so the service
 * starts, serves and reports healthy without a cluster, and a job asking for the backend is refused naming the setting.
 */
@ApplicationScoped
public class KubernetesWorker {

    static final String ENABLED_SETTING = "refinery.training.kubernetes.enabled";
    static final String IMAGE_SETTING = "refinery.training.kubernetes.image";

    @Inject
    TrainingSettings settings;

    @Inject
    ObjectStorage storage;

    @Inject
    S3Config s3;

    /** Looked up only once enabled: building the client reads kubeconfig / the service account. */
    @Inject
    Instance<KubernetesClient> client;

    private volatile KubernetesTrainerBackend backend;

    /** Whether jobs can run here: enabled and given an image. */
    public boolean available() {
        TrainingSettings.Kubernetes k = settings.kubernetes();
        return k.enabled() && k.image().filter(i -> !i.isBlank()).isPresent();
    }

    /** The backend, or 422 {@code JOB_BACKEND_NOT_CONFIGURED} naming the setting that is missing. */
    public KubernetesTrainerBackend backend() {
        TrainingSettings.Kubernetes k = settings.kubernetes();
        if (!k.enabled()) {
            throw notConfigured(ENABLED_SETTING, "the kubernetes backend is not enabled on this service: set " + ENABLED_SETTING
                    + "=true (env REFINERY_TRAINING_KUBERNETES_ENABLED), with " + IMAGE_SETTING + " and access to a cluster "
                    + "(deploy/trainer/README.md, \"Kubernetes GPU worker\")");
        }
        if (!available()) {
            throw notConfigured(IMAGE_SETTING, "the kubernetes backend is enabled but has no trainer image: set " + IMAGE_SETTING
                    + " (env REFINERY_TRAINING_KUBERNETES_IMAGE) to the image built from deploy/trainer/");
        }
        KubernetesTrainerBackend b = backend;
        if (b == null) {
            synchronized (this) {
                if (backend == null) {
                    backend = new KubernetesTrainerBackend(client.get(), config(k), new BucketTrainerStorage(storage));
                }
                b = backend;
            }
        }
        return b;
    }

    private KubernetesTrainerConfig config(TrainingSettings.Kubernetes k) {
        // The pods write where this service reads: the same bucket, reached at the cluster's view of the endpoint.
        return new KubernetesTrainerConfig(k.namespace(), k.image().orElseThrow().strip(), k.gpusPerJob(),
                k.s3Endpoint().filter(e -> !e.isBlank()).orElse(s3.endpoint()), storage.bucket(), k.s3SecretName(), k.backoffLimit(),
                k.activeDeadline(), k.ttlAfterFinished(), k.serviceAccount().filter(s -> !s.isBlank()).orElse(null), k.nodeSelector(),
                k.memoryLimit().filter(m -> !m.isBlank()).orElse(null));
    }

    private static ApiException notConfigured(String setting, String detail) {
        return ApiException.unprocessable("JOB_BACKEND_NOT_CONFIGURED", detail).with("backend", KubernetesTrainerBackend.NAME)
                .with("setting", setting);
    }
}
