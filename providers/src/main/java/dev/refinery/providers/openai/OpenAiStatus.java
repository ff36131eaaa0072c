package dev.refinery.providers.openai;

import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.StateMapping;

import java.util.Locale;

/** OpenAI's job statuses, plus the {@code paused} its own pause example returns (and the likely {@code pausing}). */
final class OpenAiStatus {

    private OpenAiStatus() {
    }

    static StateMapping map(String raw) {
        if (raw == null) {
            return StateMapping.unknown("(missing)", JobState.QUEUED);
        }
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "validating_files":
                return StateMapping.known(JobState.VALIDATING);
            case "queued":
                return StateMapping.known(JobState.QUEUED);
            case "running":
            case "pausing":
                return StateMapping.known(JobState.RUNNING);
            case "paused":
                return StateMapping.known(JobState.PAUSED);
            case "succeeded":
                return StateMapping.known(JobState.SUCCEEDED);
            case "failed":
                return StateMapping.known(JobState.FAILED);
            case "cancelled":
                return StateMapping.known(JobState.CANCELLED);
            default:
                return StateMapping.unknown(raw, JobState.RUNNING);
        }
    }
}
