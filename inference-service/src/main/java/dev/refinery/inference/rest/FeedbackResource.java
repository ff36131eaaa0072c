package dev.refinery.inference.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.inference.capture.CaptureMetrics;
import dev.refinery.inference.capture.CaptureRecorder;
import dev.refinery.inference.capture.FeedbackService;
import dev.refinery.kit.auth.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.util.Optional;

/** Feedback on a captured answer, by the id its response carried (Refinery's own API: problem+json errors). */
@Path("/v1/feedback")
public class FeedbackResource {

    @Inject
    FeedbackService feedback;

    @Inject
    CaptureMetrics metrics;

    @Inject
    CurrentCaller caller;

    @Inject
    CaptureRecorder recorder;

    @Inject
    ObjectMapper json;

    private static final Duration STORED_WITHIN = Duration.ofSeconds(5);

    /** The responseId of a feedback body, if it has one (the service checks the body fully). */
    private Optional<String> respondedTo(String body) {
        try {
            JsonNode id = json.readTree(body == null ? "" : body).path("responseId");
            return id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Feedback on a captured answer: {\"responseId\", \"rating\" (1-5), \"thumbs\" (up|down), \"correction\"}, "
            + "at least one of the three; 201 the first time, 200 when it replaces the earlier one")
    public Response give(String body) {
        String tenant = caller.tenant();
        // Feedback often follows its answer at once, while the answer is still on its way to storage: wait for it a moment.
        respondedTo(body).ifPresent(id -> recorder.awaitStored(id, STORED_WITHIN));
        FeedbackService.Stored stored = feedback.give(tenant, body);
        metrics.feedback(tenant);
        return Response.status(stored.replaced() ? 200 : 201).entity(stored.feedback()).type(MediaType.APPLICATION_JSON).build();
    }
}
