package dev.refinery.providers.kubernetes;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how trainer Jobs run. The S3 credentials are never in here: the pod reads them from the Secret
 * {@code s3SecretName} (keys {@code access-key}, {@code secret-key}, optional {@code hf-token}).
 *
 * @param namespace              the namespace the Jobs, their pods and the Secret live in
 * @param image                  the trainer image built from {@code deploy/trainer/}
 * @param gpusPerJob             {@code nvidia.com/gpu} limit of the trainer container
 * @param s3Endpoint             REFINERY_S3_ENDPOINT as seen from inside the cluster
 * @param s3Bucket               REFINERY_S3_BUCKET
 * @param s3SecretName           the Secret with the S3 keys
 * @param backoffLimit           retries of a crashed pod (exit 1); a bad spec or bad data (exit 2) is never retried
 * @param activeDeadline         the longest a Job may run, retries included
 * @param ttlAfterFinished       how long Kubernetes keeps a finished Job and its pods (and so their logs)
 * @param serviceAccountName     the pods' service account, or null for the namespace default
 * @param nodeSelector           e.g. a GPU node pool's label; empty for none
 * @param memoryLimit            container memory limit such as "64Gi", or null for none
 */
public record KubernetesTrainerConfig(
        String namespace,
        String image,
        int gpusPerJob,
        String s3Endpoint,
        String s3Bucket,
        String s3SecretName,
        int backoffLimit,
        Duration activeDeadline,
        Duration ttlAfterFinished,
        String serviceAccountName,
        Map<String, String> nodeSelector,
        String memoryLimit) {

    public KubernetesTrainerConfig {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(s3Bucket, "s3Bucket");
        Objects.requireNonNull(s3SecretName, "s3SecretName");
        Objects.requireNonNull(activeDeadline, "activeDeadline");
        Objects.requireNonNull(ttlAfterFinished, "ttlAfterFinished");
        if (gpusPerJob < 0 || backoffLimit < 0) {
            throw new IllegalArgumentException("gpusPerJob and backoffLimit must be 0 or more");
        }
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
    }

    /** One GPU, two retries of a crash, a day at most, finished Jobs kept a day. */
    public static KubernetesTrainerConfig defaults(String namespace, String image, String s3Endpoint, String s3Bucket, String s3SecretName) {
        return new KubernetesTrainerConfig(namespace, image, 1, s3Endpoint, s3Bucket, s3SecretName, 2,
                Duration.ofHours(24), Duration.ofHours(24), null, Map.of(), null);
    }
}
