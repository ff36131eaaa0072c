package dev.refinery.inference.capture.api;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A project's capture settings as the API shows them.
 *
 * @param updatedAt null while the project never changed them (the defaults: off, 30 days, no patterns)
 */
public record CaptureSettingsView(boolean enabled, int retentionDays, List<String> redact, OffsetDateTime updatedAt) {
}
