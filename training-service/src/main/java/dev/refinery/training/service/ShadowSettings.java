package dev.refinery.training.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.training.repository.Pipeline;

/**
 * A run's shadow phase settings, taken from its pipeline when the run starts and kept on the run (as JSON), so that a
 * pipeline changed while a run is under way changes later runs only.
 *
 * @param within ISO-8601
 * @param judge  the model that judges, as a chat request names it
 */
record ShadowSettings(double share, int pairs, double minWinRate, String within, String judge) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The pipeline's settings as JSON for a run that starts now; null when it has no shadow phase. */
    static String snapshot(Pipeline p) {
        if (!p.hasShadowPhase()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(new ShadowSettings(p.shadowShare, p.shadowPairs, p.shadowMinWinRate, p.shadowWithin, p.shadowJudge));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ShadowSettings read(String json) {
        try {
            return JSON.readValue(json, ShadowSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run's stored shadow settings are unreadable", e);
        }
    }
}
