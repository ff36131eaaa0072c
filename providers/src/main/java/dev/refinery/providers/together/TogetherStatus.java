package dev.refinery.providers.together;

import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.StateMapping;

import java.util.Locale;

/** Together's job statuses ([T-OAS] plus the SDK's user_error) onto the canonical states. */
final class TogetherStatus {

    private TogetherStatus() {
    }

    static StateMapping map(String raw) {
        if (raw == null) {
            return StateMapping.unknown("(missing)", JobState.QUEUED);
        }
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "pending":
            case "queued":
                return StateMapping.known(JobState.QUEUED);
            case "running":
            case "compressing":
            case "uploading":
                return StateMapping.known(JobState.RUNNING);
            case "cancel_requested":
                return StateMapping.known(JobState.CANCELLING);
            case "cancelled":
                return StateMapping.known(JobState.CANCELLED);
            case "error":
            case "user_error":
                return StateMapping.known(JobState.FAILED);
            case "completed":
                return StateMapping.known(JobState.SUCCEEDED);
            default:
                return StateMapping.unknown(raw, JobState.RUNNING);
        }
    }
}
