package dev.refinery.providers.together;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.providers.spi.EventLevel;
import dev.refinery.providers.spi.JobError;
import dev.refinery.providers.spi.MetricPoint;
import dev.refinery.providers.spi.ProviderCheckpoint;
import dev.refinery.providers.spi.ProviderEvent;
import dev.refinery.providers.spi.ProviderJob;
import dev.refinery.providers.spi.StateMapping;
import dev.refinery.providers.spi.UploadedFile;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Locale;

import static dev.refinery.providers.http.LenientJson.doubleValue;
import static dev.refinery.providers.http.LenientJson.field;
import static dev.refinery.providers.http.LenientJson.instant;
import static dev.refinery.providers.http.LenientJson.longValue;
import static dev.refinery.providers.http.LenientJson.text;

/** Together's response objects into ours, leniently: both casings, unknown statuses, missing fields. */
final class TogetherReader {

    static final String PROVIDER = "together";
    private static final BigDecimal NANOS_PER_DOLLAR = BigDecimal.valueOf(1_000_000_000L);

    private TogetherReader() {
    }

    static ProviderJob job(JsonNode n) {
        String raw = text(n, "status", "Status");
        StateMapping state = TogetherStatus.map(raw);
        Long nanoDollars = longValue(n, "total_price", "TotalPrice");
        BigDecimal cost = nanoDollars == null ? null : BigDecimal.valueOf(nanoDollars).divide(NANOS_PER_DOLLAR, 9, RoundingMode.UNNECESSARY);
        String output = text(n, "model_output_name", "ModelOutputName", "adapter_output_name", "output_name");
        Instant updated = instant(n, "updated_at", "UpdatedAt");
        return new ProviderJob(PROVIDER, text(n, "id", "ID", "Id"), state.state(), raw, state.note(),
                longValue(n, "steps_completed", "StepsCompleted"), longValue(n, "total_steps", "TotalSteps"),
                doubleValue(n, "epochs_completed", "EpochsCompleted"), longValue(n, "token_count", "TokenCount"), null, cost,
                output, error(n), instant(n, "created_at", "CreatedAt"), instant(n, "started_at", "StartedAt"), updated,
                state.state().isTerminal() ? updated : null);
    }

    /** Together documents no error object on jobs; read one if present, in either shape. */
    private static JobError error(JsonNode n) {
        JsonNode e = field(n, "error", "Error");
        if (e == null) {
            return null;
        }
        if (e.isTextual()) {
            return new JobError(null, e.asText(), null);
        }
        String message = text(e, "message");
        return message == null && text(e, "code") == null ? null : new JobError(text(e, "code"), message, text(e, "param"));
    }

    /** A FileResponse, directly or wrapped in {@code {file: …}} (multipart complete answers either). */
    static UploadedFile file(JsonNode n, String fallbackName, long fallbackBytes) {
        JsonNode f = field(n, "file") != null && field(n, "file").isObject() ? field(n, "file") : n;
        String id = text(f, "id", "ID");
        String name = text(f, "filename", "file_name", "Filename");
        Long bytes = longValue(f, "bytes", "Bytes");
        return new UploadedFile(PROVIDER, id, name == null ? fallbackName : name, bytes == null ? fallbackBytes : bytes);
    }

    /** Whether a file response says the file was processed ({@code Processed} on the wire, {@code processed} in old output). */
    static Boolean processed(JsonNode n) {
        JsonNode v = field(n, "Processed", "processed");
        return v == null ? null : v.asBoolean();
    }

    static String fileType(JsonNode n) {
        return text(n, "FileType", "file_type", "type");
    }

    static ProviderEvent event(JsonNode e, int index) {
        String type = text(e, "type", "Type");
        String id = text(e, "hash", "id");
        return new ProviderEvent(id == null ? String.valueOf(index) : id, instant(e, "created_at", "CreatedAt"), EventLevel.parse(text(e, "level", "Level")),
                type == null ? null : type.toLowerCase(Locale.ROOT), text(e, "message", "Message"), longValue(e, "step", "Step"));
    }

    static MetricPoint metric(JsonNode m) {
        Long step = longValue(m, "train/global_step", "global_step", "step");
        if (step == null) {
            return null;
        }
        return new MetricPoint(step, doubleValue(m, "train/loss", "loss"), doubleValue(m, "train/learning_rate", "learning_rate"),
                doubleValue(m, "eval/loss", "eval_loss"), instant(m, "logged_at", "timestamp"));
    }

    static ProviderCheckpoint checkpoint(String jobId, JsonNode c) {
        Long step = longValue(c, "step", "Step");
        String kind = text(c, "checkpoint_type", "CheckpointType", "type");
        boolean intermediate = kind != null && kind.toLowerCase(Locale.ROOT).startsWith("intermediate");
        String reference = intermediate && step != null ? jobId + ":" + step : jobId;
        return new ProviderCheckpoint(reference, step, kind, instant(c, "created_at", "CreatedAt"));
    }
}
