package dev.refinery.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.providers.spi.EventLevel;
import dev.refinery.providers.spi.JobError;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.StateMapping;

import java.util.Locale;

import static dev.refinery.providers.http.LenientJson.doubleValue;
import static dev.refinery.providers.http.LenientJson.field;
import static dev.refinery.providers.http.LenientJson.instant;
import static dev.refinery.providers.http.LenientJson.longValue;
import static dev.refinery.providers.http.LenientJson.text;

/** OpenAI fine-tuning objects into ours. */
final class OpenAiReader {

    static final String PROVIDER = "openai";

    private OpenAiReader() {
    }

    static ProviderJob job(JsonNode n) {
        String raw = text(n, "status");
        StateMapping state = OpenAiStatus.map(raw);
        Long tokens = longValue(n, "trained_tokens");
        return new ProviderJob(PROVIDER, text(n, "id"), state.state(), raw, state.note(), null, null, null, tokens, tokens, null,
                text(n, "fine_tuned_model"), error(field(n, "error")), instant(n, "created_at"), null, null, instant(n, "finished_at"));
    }

    /** Jobs that did not fail carry {@code "error": {}} (openai-scala-client #80): that is no error. */
    static JobError error(JsonNode e) {
        if (e == null || !e.isObject()) {
            return null;
        }
        String code = text(e, "code");
        String message = text(e, "message");
        if (code == null && message == null) {
            return null;
        }
        return new JobError(code, message, text(e, "param"));
    }

    static ProviderEvent event(JsonNode e) {
        String type = text(e, "type");
        return new ProviderEvent(text(e, "id"), instant(e, "created_at"), EventLevel.parse(text(e, "level")),
                type == null ? null : type.toLowerCase(Locale.ROOT), text(e, "message"), longValue(field(e, "data"), "step"));
    }

    /** A metrics event's data: {@code {step, train_loss, valid_loss, …}}; null for other events. */
    static MetricPoint metric(JsonNode e) {
        JsonNode data = field(e, "data");
        Long step = longValue(data, "step");
        if (!"metrics".equalsIgnoreCase(text(e, "type")) || step == null) {
            return null;
        }
        return new MetricPoint(step, doubleValue(data, "train_loss"), null, doubleValue(data, "valid_loss", "full_valid_loss"), instant(e, "created_at"));
    }

    static ProviderCheckpoint checkpoint(JsonNode c) {
        return new ProviderCheckpoint(text(c, "fine_tuned_model_checkpoint"), longValue(c, "step_number"), "checkpoint", instant(c, "created_at"));
    }
}
