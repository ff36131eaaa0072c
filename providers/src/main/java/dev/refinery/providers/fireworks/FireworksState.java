package dev.refinery.providers.fireworks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.providers.spi.JobState;
import dev.refinery.providers.spi.StateMapping;

import java.util.List;
import java.util.Locale;

/**
 * Fireworks job states onto the canonical ones. They arrive as {@code JOB_STATE_RUNNING}, bare {@code RUNNING},
 * an integer, or with a prefix such as {@code JobState.JOB_STATE_RUNNING} (curator PR #719); all normalise to
 * the enum name first.
 */
final class FireworksState {

    /**
     * The enum in the order Fireworks publishes it (gatewayJobState in its OpenAPI). That integers are these
     * positions is an assumption (unverified): it is how protobuf numbers a gateway enum.
     */
    private static final List<String> BY_NUMBER = List.of("UNSPECIFIED", "CREATING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED",
            "DELETING", "WRITING_RESULTS", "VALIDATING", "DELETING_CLEANING_UP", "PENDING", "EXPIRED", "RE_QUEUEING",
            "CREATING_INPUT_DATASET", "IDLE", "CANCELLING", "EARLY_STOPPED", "PAUSED", "DELETED");

    private FireworksState() {
    }

    /** The state as an upper-case enum name without prefix, whatever shape it came in; null when absent. */
    static String normalise(JsonNode state) {
        if (state == null || state.isNull()) {
            return null;
        }
        if (state.isIntegralNumber()) {
            int n = state.asInt();
            return n >= 0 && n < BY_NUMBER.size() ? BY_NUMBER.get(n) : "NUMBER_" + n;
        }
        String s = state.asText().trim().toUpperCase(Locale.ROOT);
        if (s.matches("\\d+")) {
            int n = Integer.parseInt(s);
            return n < BY_NUMBER.size() ? BY_NUMBER.get(n) : "NUMBER_" + n;
        }
        int dot = s.lastIndexOf('.');
        if (dot >= 0) {
            s = s.substring(dot + 1);
        }
        return s.startsWith("JOB_STATE_") ? s.substring("JOB_STATE_".length()) : s;
    }

    static StateMapping map(String name) {
        if (name == null) {
            return StateMapping.unknown("(missing)", JobState.QUEUED);
        }
        switch (name) {
            case "CREATING":
            case "PENDING":
            case "CREATING_INPUT_DATASET":
            case "RE_QUEUEING":
            case "IDLE":
                return StateMapping.known(JobState.QUEUED);
            case "VALIDATING":
                return StateMapping.known(JobState.VALIDATING);
            case "RUNNING":
            case "WRITING_RESULTS":
                return StateMapping.known(JobState.RUNNING);
            case "COMPLETED":
            case "EARLY_STOPPED":
                return StateMapping.known(JobState.SUCCEEDED);
            case "FAILED":
            case "EXPIRED":
                return StateMapping.known(JobState.FAILED);
            case "CANCELLING":
            case "DELETING":
            case "DELETING_CLEANING_UP":
                return StateMapping.known(JobState.CANCELLING);
            case "CANCELLED":
            case "DELETED":
                return StateMapping.known(JobState.CANCELLED);
            case "PAUSED":
                return StateMapping.known(JobState.PAUSED);
            default:
                return StateMapping.unknown(name, JobState.RUNNING);
        }
    }
}
