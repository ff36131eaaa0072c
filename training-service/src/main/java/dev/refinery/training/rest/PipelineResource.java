package dev.refinery.training.rest;

import dev.refinery.identity.Scope;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.training.mapping.PipelineMapper;
import dev.refinery.training.repository.Pipeline;
import dev.refinery.training.service.Pipelines;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.util.List;

/** Continuous fine-tuning pipelines: a collection's versions trained, evaluated and promoted or not, on their own. */
@Path("/pipelines")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class PipelineResource {

    @Inject
    Pipelines pipelines;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a pipeline on a collection", description = "Every version sealed from the collection and validated "
            + "as VALID then runs: a job from the template, an evaluation against the base model and the champion, the project's "
            + "promotion policy. One run at a time; a run whose job keeps failing pauses the pipeline (pipeline-paused).")
    public Response create(PipelineRequest body) {
        requireAdminToOverridePolicy(body);
        Pipeline p = pipelines.create(caller.tenant(), body, caller.get().subject());
        return Response.created(URI.create("/pipelines/" + p.id)).entity(PipelineMapper.view(p, null, null)).build();
    }

    @GET
    @Operation(summary = "The project's pipelines, each with its newest run")
    public List<PipelineView> list() {
        return pipelines.list(caller.tenant()).stream().map(this::view).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A pipeline, with its newest run")
    public PipelineView get(@PathParam("id") String id) {
        return view(pipelines.get(caller.tenant(), id));
    }

    @GET
    @Path("/{id}/runs")
    @Operation(summary = "A pipeline's runs, newest first: version, job, evaluation, decision and the policy's reasons")
    public List<PipelineRunView> runs(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("50") int limit) {
        return pipelines.runs(caller.tenant(), id, limit).stream().map(PipelineMapper::view).toList();
    }

    @POST
    @Path("/{id}/runs")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Run a pipeline by hand", description = "On {\"datasetId\"} (a VALID version of its collection) or, without "
            + "a body, on the collection's newest. Queued: it starts when no run of the pipeline is under way and it is not paused.")
    public Response run(@PathParam("id") String id, String body) {
        RunRequest request = RunRequest.read(body);
        return Response.accepted(PipelineMapper.view(pipelines.runByHand(caller.tenant(), id, request.datasetId()))).build();
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a pipeline's settings", description = "The body of a create (collectionId may be left out and "
            + "cannot change), checked the same way, all or nothing. A run under way goes on; its next attempt and later runs take "
            + "the new settings; a schedule starts again from now.")
    public PipelineView update(@PathParam("id") String id, PipelineRequest body) {
        requireAdminToOverridePolicy(body);
        return view(pipelines.update(caller.tenant(), id, body));
    }

    @POST
    @Path("/{id}/pause")
    @Operation(summary = "Pause a pipeline: nothing new starts (a run under way goes on to its end)")
    public PipelineView pause(@PathParam("id") String id) {
        return view(pipelines.pause(caller.tenant(), id, caller.get().subject()));
    }

    @POST
    @Path("/{id}/resume")
    @Operation(summary = "Resume a pipeline: its newest queued run starts")
    public PipelineView resume(@PathParam("id") String id) {
        return view(pipelines.resume(caller.tenant(), id));
    }

    /** A pipeline deciding on its own metric changes what the promotion policy (an admin's) decides on. */
    private void requireAdminToOverridePolicy(PipelineRequest body) {
        if (body != null && body.template() != null && body.template().evaluation() != null && body.template().evaluation().overridesPolicy()) {
            caller.requireScope(Scope.ADMIN);
        }
    }

    private PipelineView view(Pipeline p) {
        return PipelineMapper.view(p, pipelines.lastRun(p.id).map(PipelineMapper::view).orElse(null), pipelines.lastDriftCheck(p.id).orElse(null));
    }
}
