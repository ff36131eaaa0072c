package dev.refinery.inference.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.inference.capture.api.CaptureSettingsView;
import dev.refinery.inference.repository.CaptureSettings;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and changes a project's capture settings. A change names only what it changes: absent fields keep their value
 * (the defaults for a project that never set them: off, 30 days, no patterns).
 */
@ApplicationScoped
public class CaptureSettingsService {

    public static final int DEFAULT_RETENTION_DAYS = 30;
    public static final int MAX_RETENTION_DAYS = 3650;

    @Inject
    ObjectMapper json;

    /** What capture needs of a project's settings, read once per answer on the capture thread. */
    public record Effective(boolean enabled, int retentionDays, List<String> redact) {
        static final Effective DEFAULT = new Effective(false, DEFAULT_RETENTION_DAYS, List.of());
    }

    @Transactional
    public CaptureSettingsView get(String tenant) {
        return CaptureSettings.of(tenant).map(this::view)
                .orElse(new CaptureSettingsView(false, DEFAULT_RETENTION_DAYS, List.of(), null));
    }

    @Transactional
    public Effective effective(String tenant) {
        return CaptureSettings.of(tenant).map(s -> new Effective(s.enabled, s.retentionDays, patterns(s))).orElse(Effective.DEFAULT);
    }

    /** @throws ApiException 400 naming the field at fault */
    @Transactional
    public CaptureSettingsView change(String tenant, String body) {
        JsonNode change = parse(body);
        CaptureSettings s = CaptureSettings.of(tenant).orElseGet(() -> {
            CaptureSettings fresh = new CaptureSettings();
            fresh.tenant = tenant;
            fresh.enabled = false;
            fresh.retentionDays = DEFAULT_RETENTION_DAYS;
            fresh.redact = "[]";
            return fresh;
        });
        JsonNode enabled = change.get("enabled");
        if (enabled != null && !enabled.isNull()) {
            if (!enabled.isBoolean()) {
                throw invalid("CAPTURE_ENABLED_INVALID", "enabled", "enabled must be true or false");
            }
            s.enabled = enabled.booleanValue();
        }
        JsonNode days = change.get("retentionDays");
        if (days != null && !days.isNull()) {
            if (!days.canConvertToInt() || !days.isIntegralNumber() || days.intValue() < 1 || days.intValue() > MAX_RETENTION_DAYS) {
                throw invalid("CAPTURE_RETENTION_INVALID", "retentionDays", "retentionDays must be a whole number of days from 1 to "
                        + MAX_RETENTION_DAYS + "; got " + days);
            }
            s.retentionDays = days.intValue();
        }
        JsonNode redact = change.get("redact");
        if (redact != null && !redact.isNull()) {
            s.redact = json(checkedPatterns(redact));
        }
        s.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        s.persist();
        return view(s);
    }

    private static List<String> checkedPatterns(JsonNode redact) {
        if (!redact.isArray()) {
            throw invalid("CAPTURE_REDACT_INVALID", "redact", "redact must be an array of regular expressions");
        }
        if (redact.size() > Redactor.MAX_PATTERNS) {
            throw invalid("CAPTURE_REDACT_TOO_MANY", "redact", "at most " + Redactor.MAX_PATTERNS + " redaction patterns; got "
                    + redact.size()).with("limit", Redactor.MAX_PATTERNS);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < redact.size(); i++) {
            JsonNode p = redact.get(i);
            String field = "redact[" + i + "]";
            if (!p.isTextual() || p.textValue().isEmpty() || p.textValue().length() > Redactor.MAX_PATTERN_CHARS) {
                throw invalid("CAPTURE_REDACT_INVALID", field, "each redaction pattern is a non-empty string of at most "
                        + Redactor.MAX_PATTERN_CHARS + " characters");
            }
            try {
                Redactor.of(List.of(p.textValue()));
            } catch (PatternSyntaxException e) {
                throw invalid("CAPTURE_REDACT_INVALID", field, "not a regular expression: " + e.getDescription() + " near index "
                        + e.getIndex() + " of " + p.textValue());
            }
            out.add(p.textValue());
        }
        return out;
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            if (node == null || !node.isObject()) {
                throw invalid("CAPTURE_SETTINGS_INVALID", "", "the body must be a JSON object: {\"enabled\", \"retentionDays\", \"redact\"}");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw invalid("CAPTURE_SETTINGS_INVALID", "", "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private CaptureSettingsView view(CaptureSettings s) {
        return new CaptureSettingsView(s.enabled, s.retentionDays, patterns(s), s.updatedAt);
    }

    private List<String> patterns(CaptureSettings s) {
        try {
            return json.readValue(s.redact, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("capture_settings.redact of " + s.tenant + " is not a JSON array", e);
        }
    }

    private String json(List<String> patterns) {
        try {
            return json.writeValueAsString(patterns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ApiException invalid(String code, String field, String detail) {
        return ApiException.badRequest(code, detail).with("field", field);
    }
}
