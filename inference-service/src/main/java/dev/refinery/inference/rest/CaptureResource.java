package dev.refinery.inference.rest;

import dev.refinery.identity.Scope;
import dev.refinery.inference.capture.CaptureExport;
import dev.refinery.inference.capture.CaptureRecords;
import dev.refinery.inference.capture.CaptureSettingsService;
import dev.refinery.inference.capture.api.CaptureSettingsView;
import dev.refinery.inference.capture.api.CapturedRecordView;
import dev.refinery.inference.capture.api.ExportKind;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Capture of the project's traffic (Refinery's own API, so errors are problem+json with a stable code and the field, not
 * OpenAI's shape): its settings, what was captured, and the export as a dataset.
 */
@Path("/v1/capture")
public class CaptureResource {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    @Inject
    CaptureSettingsService settings;

    @Inject
    CaptureRecords records;

    @Inject
    CaptureExport export;

    @Inject
    CurrentCaller caller;

    @GET
    @Path("/settings")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The project's capture settings: enabled (default false), retentionDays (default 30), redact patterns")
    public CaptureSettingsView settings() {
        return settings.get(caller.tenant());
    }

    @PUT
    @Path("/settings")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the capture settings (admin): {\"enabled\", \"retentionDays\" (1-3650), \"redact\" (up to 20 regular "
            + "expressions)}; absent fields keep their value")
    public CaptureSettingsView change(String body) {
        caller.requireScope(Scope.ADMIN);
        return settings.change(caller.tenant(), body);
    }

    @GET
    @Path("/records")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Captured answers, newest first, each with its feedback")
    public List<CapturedRecordView> records(@QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        int l = number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        int o = number("offset", offset, 0, 0, Integer.MAX_VALUE);
        return records.page(caller.tenant(), l, o);
    }

    @GET
    @Path("/export")
    @Produces("application/x-ndjson")
    @Operation(summary = "Captured answers with feedback as a dataset (JSONL): kind=sft (default) conversations, kind=preference "
            + "pairs; since / until (ISO-8601) bound when they were answered. Nothing eligible: 200 and an empty body")
    public Response export(@QueryParam("kind") String kind, @QueryParam("since") String since, @QueryParam("until") String until) {
        ExportKind k = kind == null || kind.isBlank() ? ExportKind.SFT : ExportKind.of(kind).orElseThrow(() ->
                ApiException.badRequest("CAPTURE_EXPORT_KIND_INVALID", "kind is sft or preference; got " + kind).with("field", "kind"));
        OffsetDateTime from = time("since", since, OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        OffsetDateTime to = time("until", until, OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        String name = "capture-" + k.name().toLowerCase() + ".jsonl";
        return Response.ok(export.stream(caller.tenant(), k, from, to)).type("application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
    }

    private static int number(String field, String value, int otherwise, int min, int max) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("CAPTURE_PAGE_INVALID", field + " is a whole number from " + min + " to " + max + "; got " + value)
                .with("field", field);
    }

    private static OffsetDateTime time(String field, String value, OffsetDateTime otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return OffsetDateTime.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("CAPTURE_EXPORT_TIME_INVALID", field + " is an ISO-8601 time with its offset, e.g. "
                    + "2026-12-01T00:00:00Z; got " + value).with("field", field);
        }
    }
}
