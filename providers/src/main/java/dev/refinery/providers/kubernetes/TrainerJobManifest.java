package dev.refinery.providers.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirementBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPatternBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code batch/v1} Job that runs one trainer pod.
 *
 * <p>The spec travels in an environment variable rather than a ConfigMap: it is a few hundred bytes, and one
 * object means one create that either happened or did not, nothing to clean up, no pod waiting for a volume.
 * The pod fails the whole Job at once on the trainer's exit code 2 (bad spec or data: a retry cannot help) and
 * does not count node disruptions against {@code backoffLimit}.
 */
final class TrainerJobManifest {

    static final String CONTAINER = "trainer";
    static final String GPU_RESOURCE = "nvidia.com/gpu";
    static final int EXIT_USER_ERROR = 2;
    private static final String WORK_DIR = "/work";

    private TrainerJobManifest() {
    }

    static Job build(KubernetesTrainerConfig config, String jobId, String specJson) {
        Map<String, String> labels = labels(jobId);
        return new JobBuilder()
                .withNewMetadata()
                    .withName(TrainerJobIds.jobName(jobId))
                    .withNamespace(config.namespace())
                    .withLabels(labels)
                    .addToAnnotations(TrainerJobIds.JOB_ID_ANNOTATION, jobId)
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(config.backoffLimit())
                    .withActiveDeadlineSeconds(config.activeDeadline().toSeconds())
                    .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
                    .withNewPodFailurePolicy()
                        .addToRules(new PodFailurePolicyRuleBuilder()
                                .withAction("FailJob")
                                .withOnExitCodes(new PodFailurePolicyOnExitCodesRequirementBuilder()
                                        .withContainerName(CONTAINER).withOperator("In").withValues(EXIT_USER_ERROR).build())
                                .build())
                        .addToRules(new PodFailurePolicyRuleBuilder()
                                .withAction("Ignore")
                                .withOnPodConditions(new PodFailurePolicyOnPodConditionsPatternBuilder()
                                        .withType("DisruptionTarget").withStatus("True").build())
                                .build())
                    .endPodFailurePolicy()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(config.serviceAccountName())
                            // The trainer never talks to the Kubernetes API: no token in its pod.
                            .withAutomountServiceAccountToken(false)
                            .withNodeSelector(config.nodeSelector().isEmpty() ? null : config.nodeSelector())
                            .withTolerations(new TolerationBuilder()
                                    .withKey(GPU_RESOURCE).withOperator("Exists").withEffect("NoSchedule").build())
                            .withContainers(container(config, jobId, specJson))
                            .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    static Map<String, String> labels(String jobId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(TrainerJobIds.NAME_LABEL, TrainerJobIds.NAME);
        labels.put(TrainerJobIds.MANAGED_BY_LABEL, TrainerJobIds.MANAGED_BY);
        labels.put(TrainerJobIds.JOB_ID_LABEL, TrainerJobIds.labelValue(jobId));
        return labels;
    }

    private static Container container(KubernetesTrainerConfig config, String jobId, String specJson) {
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (config.gpusPerJob() > 0) {
            limits.put(GPU_RESOURCE, new Quantity(Integer.toString(config.gpusPerJob())));
        }
        if (config.memoryLimit() != null) {
            limits.put("memory", new Quantity(config.memoryLimit()));
        }
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(config.image())
                .withArgs("--work-dir", WORK_DIR + "/job")
                .withEnv(environment(config, jobId, specJson))
                .withResources(new ResourceRequirementsBuilder().withLimits(limits).build())
                // The trainer writes its final JSON line to /dev/termination-log; if it dies before that, the log's tail stands in.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .addNewVolumeMount().withName("work").withMountPath(WORK_DIR).endVolumeMount()
                .build();
    }

    private static List<EnvVar> environment(KubernetesTrainerConfig config, String jobId, String specJson) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("REFINERY_JOB_ID", jobId, null));
        env.add(new EnvVar("REFINERY_JOB_SPEC_JSON", specJson, null));
        if (config.s3Endpoint() != null) {
            env.add(new EnvVar("REFINERY_S3_ENDPOINT", config.s3Endpoint(), null));
        }
        env.add(new EnvVar("REFINERY_S3_BUCKET", config.s3Bucket(), null));
        env.add(fromSecret("REFINERY_S3_ACCESS_KEY", config.s3SecretName(), "access-key", false));
        env.add(fromSecret("REFINERY_S3_SECRET_KEY", config.s3SecretName(), "secret-key", false));
        env.add(fromSecret("HF_TOKEN", config.s3SecretName(), "hf-token", true));
        env.add(new EnvVar("PYTHONUNBUFFERED", "1", null));
        return env;
    }

    private static EnvVar fromSecret(String name, String secret, String key, boolean optional) {
        return new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key).withOptional(optional ? true : null)
                .endSecretKeyRef().endValueFrom()
                .build();
    }
}
