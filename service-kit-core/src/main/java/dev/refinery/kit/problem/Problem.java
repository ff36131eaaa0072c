package dev.refinery.kit.problem;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Locale;
import java.util.Map;

/**
 * RFC 9457 problem details with Refinery's stable {@code code}. Extra members (field, line, limit...)
 * are written at the top level of the JSON object.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String code, String detail, String instance,
                      @JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @JsonAnyGetter
    public Map<String, Object> extensionMembers() {
        return extensions;
    }

    public static Problem of(int status, String code, String title, String detail, String instance, Map<String, Object> extensions) {
        return new Problem("https://refinery.dev/problems/" + code.toLowerCase(Locale.ROOT).replace('_', '-'),
                title, status, code, detail, instance, extensions == null ? Map.of() : extensions);
    }
}
