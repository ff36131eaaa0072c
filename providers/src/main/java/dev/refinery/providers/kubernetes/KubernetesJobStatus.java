package dev.refinery.providers.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.providers.spi.JobError;
import dev.refinery.providers.spi.JobState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Job and its pods, read as one canonical state with the raw status beside it.
 *
 * <p>The Job's own conditions decide the terminal states. Before that, the newest pod says more than the Job
 * does: a pod that cannot pull its image or start its container stays Pending for ever (the Job controller does
 * not count it as failed until activeDeadlineSeconds), so such a pod is read as FAILED at once, with the
 * kubelet's reason, and {@link Verdict#abandon} tells the backend to delete the Job and free its GPU.
 */
final class KubernetesJobStatus {

    /** Waiting reasons the kubelet will not get past without a change by a person. */
    private static final Set<String> HOPELESS_WAITING = Set.of(
            "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError");

    /**
     * @param abandon true when the Job cannot make progress but Kubernetes will not end it by itself
     * @param pod     the newest pod, if any
     */
    record Verdict(JobState state, boolean recognised, String rawStatus, String note, JobError error, boolean abandon, Pod pod) {
    }

    private KubernetesJobStatus() {
    }

    static Verdict of(Job job, List<Pod> pods) {
        Pod pod = newest(pods).orElse(null);
        String podStatus = pod == null ? "none" : podStatus(pod);
        String jobStatus = jobStatus(job);
        String raw = "job=" + jobStatus + " pod=" + podStatus;

        Optional<JobCondition> done = trueCondition(job, "Complete").or(() -> trueCondition(job, "SuccessCriteriaMet"));
        if (done.isPresent()) {
            return new Verdict(JobState.SUCCEEDED, true, raw, null, null, false, pod);
        }
        Optional<JobCondition> failed = trueCondition(job, "Failed").or(() -> trueCondition(job, "FailureTarget"));
        if (failed.isPresent()) {
            return new Verdict(JobState.FAILED, true, raw, null, failure(failed.get(), pod), false, pod);
        }
        if (job.getMetadata().getDeletionTimestamp() != null) {
            return new Verdict(JobState.CANCELLING, true, raw, "the Job is being deleted", null, false, pod);
        }
        if (trueCondition(job, "Suspended").isPresent()) {
            return new Verdict(JobState.PAUSED, true, raw, "the Job is suspended", null, false, pod);
        }
        if (pod == null) {
            return new Verdict(JobState.QUEUED, true, raw, "waiting for the Job controller to create a pod", null, false, null);
        }
        Optional<ContainerStateWaiting> waiting = trainerStatus(pod).map(s -> s.getState() == null ? null : s.getState().getWaiting());
        if (waiting.isPresent() && HOPELESS_WAITING.contains(waiting.get().getReason())) {
            ContainerStateWaiting w = waiting.get();
            boolean image = w.getReason().contains("Image");
            JobError error = new JobError(image ? "KUBERNETES_IMAGE_PULL_FAILED" : "KUBERNETES_CONTAINER_NOT_STARTED",
                    (image ? "the trainer image cannot be pulled (" : "the trainer container cannot start (") + w.getReason() + ")"
                            + (w.getMessage() == null ? "" : ": " + w.getMessage()), null);
            return new Verdict(JobState.FAILED, true, raw, null, error, true, pod);
        }
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Unknown" : pod.getStatus().getPhase();
        switch (phase) {
            case "Pending":
                return new Verdict(JobState.QUEUED, true, raw, pendingNote(pod, waiting.orElse(null)), null, false, pod);
            case "Running":
                return new Verdict(JobState.RUNNING, true, raw, null, null, false, pod);
            case "Succeeded":
                return new Verdict(JobState.RUNNING, true, raw, "the trainer finished; the Job is completing", null, false, pod);
            case "Failed":
                JobError attempt = podFailure(pod).orElse(null);
                int failures = job.getStatus() == null || job.getStatus().getFailed() == null ? 1 : job.getStatus().getFailed();
                return new Verdict(JobState.RUNNING, true, raw, "attempt " + failures + " failed"
                        + (attempt == null ? "" : " (" + attempt.code() + ": " + attempt.message() + ")")
                        + "; Kubernetes starts another unless backoffLimit is reached", null, false, pod);
            default:
                return new Verdict(JobState.RUNNING, false, raw,
                        "unknown pod phase '" + phase + "' treated as RUNNING (non-terminal) until it changes", null, false, pod);
        }
    }

    /** Why a Job failed: the trainer's own error line when the pod left one, else what Kubernetes says. */
    private static JobError failure(JobCondition condition, Pod pod) {
        Optional<JobError> fromPod = pod == null ? Optional.empty() : podFailure(pod);
        String reason = condition.getReason() == null ? "" : condition.getReason();
        if (reason.equals("DeadlineExceeded")) {
            return new JobError("KUBERNETES_DEADLINE_EXCEEDED",
                    "the Job ran past its activeDeadlineSeconds" + fromPod.map(e -> "; last: " + e.message()).orElse(""), null);
        }
        return fromPod.orElseGet(() -> new JobError("KUBERNETES_JOB_FAILED",
                "the Job failed (" + reason + ")" + (condition.getMessage() == null ? "" : ": " + condition.getMessage()), null));
    }

    /** The failure a terminated trainer container reports: its JSON termination message, OOM, or its exit code. */
    static Optional<JobError> podFailure(Pod pod) {
        Optional<ContainerStateTerminated> terminated = trainerStatus(pod).map(KubernetesJobStatus::terminated);
        if (terminated.isEmpty() || terminated.get().getExitCode() == null || terminated.get().getExitCode() == 0) {
            return Optional.empty();
        }
        ContainerStateTerminated t = terminated.get();
        if ("OOMKilled".equals(t.getReason())) {
            return Optional.of(new JobError("TRAINER_OUT_OF_MEMORY",
                    "the trainer ran out of memory (OOMKilled); lower batchSize or maxSeqLen, or raise the memory limit", null));
        }
        Optional<JsonNode> line = lastJsonLine(t.getMessage()).filter(n -> "error".equals(n.path("event").asText()));
        return Optional.of(line.map(TrainerLog::error).orElseGet(() -> new JobError("TRAINER_EXIT_" + t.getExitCode(),
                "the trainer exited with code " + t.getExitCode() + (t.getMessage() == null ? "" : ": " + t.getMessage().strip()), null)));
    }

    /** The trainer's final line ("completed" or "error") from a finished container's termination message. */
    static Optional<JsonNode> finalLine(Pod pod) {
        return trainerStatus(pod).map(KubernetesJobStatus::terminated).flatMap(t -> lastJsonLine(t.getMessage()));
    }

    private static Optional<JsonNode> lastJsonLine(String message) {
        if (message == null) {
            return Optional.empty();
        }
        List<TrainerLog.Line> lines = TrainerLog.parse(message);
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(lines.size() - 1).body());
    }

    private static ContainerStateTerminated terminated(ContainerStatus status) {
        if (status.getState() != null && status.getState().getTerminated() != null) {
            return status.getState().getTerminated();
        }
        return status.getLastState() == null ? null : status.getLastState().getTerminated();
    }

    private static String pendingNote(Pod pod, ContainerStateWaiting waiting) {
        Optional<PodCondition> unschedulable = pod.getStatus().getConditions() == null ? Optional.empty()
                : pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())).findFirst();
        if (unschedulable.isPresent()) {
            return "waiting for a node with a free " + TrainerJobManifest.GPU_RESOURCE + ": " + unschedulable.get().getMessage();
        }
        if (waiting != null && waiting.getReason() != null) {
            return "pod pending: " + waiting.getReason() + (waiting.getMessage() == null ? "" : " (" + waiting.getMessage() + ")");
        }
        return "pod pending";
    }

    static Optional<ContainerStatus> trainerStatus(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> TrainerJobManifest.CONTAINER.equals(s.getName())).findFirst();
    }

    static Optional<Pod> newest(List<Pod> pods) {
        return pods.stream().max(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp())
                .thenComparing(p -> p.getMetadata().getName()));
    }

    private static Optional<JobCondition> trueCondition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static String jobStatus(Job job) {
        if (job.getStatus() != null && job.getStatus().getConditions() != null) {
            for (JobCondition c : job.getStatus().getConditions()) {
                if ("True".equals(c.getStatus())) {
                    return c.getType() + (c.getReason() == null ? "" : "/" + c.getReason());
                }
            }
        }
        Integer active = job.getStatus() == null ? null : job.getStatus().getActive();
        return active != null && active > 0 ? "Active" : "Pending";
    }

    private static String podStatus(Pod pod) {
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Unknown" : pod.getStatus().getPhase();
        String reason = trainerStatus(pod).map(s -> {
            if (s.getState() == null) {
                return null;
            }
            if (s.getState().getWaiting() != null) {
                return s.getState().getWaiting().getReason();
            }
            return s.getState().getTerminated() == null ? null : s.getState().getTerminated().getReason();
        }).orElse(null);
        return reason == null ? phase : phase + "/" + reason;
    }
}
