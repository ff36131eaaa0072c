package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.service.EventBroadcaster;
import dev.refinery.gateway.service.LiveMessage;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Live progress of the pipeline as server-sent events. */
@Path("/v1/events")
@Tag(name = "events")
@Blocking // the key is checked against the database before the stream opens
public class EventsResource {

    @Inject
    EventBroadcaster broadcaster;

    @Inject
    GatewayCaller caller;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Live pipeline events (server-sent events)", description = "One SSE event per pipeline event from the moment "
            + "of connecting (no replay), named by its topic (dataset-uploaded, dataset-validated, job-submitted, job-completed, "
            + "eval-finished, model-promoted, pipeline-run-finished, pipeline-paused) of the caller's project, with the CloudEvents id as SSE id and data {\"type\", \"id\", \"subject\", \"time\", \"data\"}. "
            + "A comment line ': connected' opens the stream and ': keep-alive' lines keep it open. A client that falls more "
            + "than refinery.gateway.sse.client-buffer events behind receives an 'overflow' event and the stream ends: reconnect.")
    public Multi<OutboundSseEvent> events(@QueryParam("subject") @Parameter(description = "only events about this dataset or job id")
                                          String subject,
                                          @Context Sse sse) {
        String filter = subject == null || subject.isBlank() ? null : subject.strip();
        return broadcaster.subscribe(caller.get().project(), filter).map(message -> toSse(message, sse));
    }

    private static OutboundSseEvent toSse(LiveMessage message, Sse sse) {
        if (message instanceof LiveMessage.Event e) {
            // Already JSON text: written as it is (no media type set, so no non-standard content-type field either).
            return sse.newEventBuilder().name(e.event().topic()).id(e.event().id()).data(String.class, e.event().json()).build();
        }
        if (message instanceof LiveMessage.Overflow o) {
            return sse.newEventBuilder().name("overflow")
                    .data(String.class, "{\"reason\":\"the client fell more than " + o.limit() + " events behind; reconnect\"}").build();
        }
        return sse.newEventBuilder().comment(message instanceof LiveMessage.Connected ? "connected" : "keep-alive").build();
    }
}
