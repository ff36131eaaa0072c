package dev.refinery.training.rest;

import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;

import dev.refinery.training.repository.PipelineRun;

import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.reconcile.AnnouncedWindow;
import dev.refinery.training.mapping.JobMapper;
import dev.refinery.training.service.JobControls;
import dev.refinery.training.service.JobService;
import dev.refinery.training.service.ProviderWeights;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.net.URI;
import java.util.List;

/** Fine-tuning jobs: submit one, follow it (status, progress, metrics, history). */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class JobResource {

    @Inject
    JobService jobs;

    @Inject
    ProviderWeights weights;

    @Inject
    JobControls controls;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a fine-tuning job", description = "Checks the backend, base model, every hyperparameter (all problems "
            + "are listed at once) and that the dataset was validated as VALID, then queues the job. Repeat a request with the same "
            + "Idempotency-Key to get the same job back instead of a second one.")
    public Response submit(JobRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (idempotencyKey != null && PipelineRun.runOfJobKey(idempotencyKey.strip()).isPresent()) {
            throw ApiException.badRequest("JOB_IDEMPOTENCY_KEY_RESERVED", "keys beginning 'pipeline-run:' are the pipelines' own "
                    + "(they tie a job to a pipeline's run); choose another").with("field", "Idempotency-Key");
        }
        if (request != null && request.evaluation() != null && request.evaluation().overridesPolicy()) {
            caller.requireScope(Scope.ADMIN); // what the promotion policy decides on is the policy's (an admin's) to change
        }
        JobService.Submission s = jobs.submit(request, idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey.strip(),
                caller.tenant());
        JobView view = JobMapper.toView(s.job());
        return s.created() ? Response.created(URI.create("/jobs/" + view.id())).entity(view).build() : Response.ok(view).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A job: status, effective hyperparameters and their sources, progress, result or failure")
    public JobView get(@PathParam("id") String id) {
        return JobMapper.toView(jobs.get(caller.tenant(), id));
    }

    @GET
    @Operation(summary = "The caller's most recent jobs, or those finished in a window (every tenant's for Refinery's services)",
            description = "Without since/until: the newest first. With either (ISO-8601 times, since inclusive, until exclusive): "
                    + "the jobs that finished in that window, oldest first (services that react to finished jobs reconcile with it).")
    public List<JobView> list(@QueryParam("status") @Parameter(description = "QUEUED, VALIDATING, RUNNING, CANCELLING, SUCCEEDED, FAILED or CANCELLED") String status,
                              @QueryParam("artifactType") @Parameter(description = "comma-separated: lora-adapter, full-model, provider-model") String artifactTypes,
                              @QueryParam("since") @Parameter(description = "finished at or after, e.g. 2026-12-07T08:00:00Z") String since,
                              @QueryParam("until") @Parameter(description = "finished before") String until,
                              @QueryParam("limit") @DefaultValue("50") int limit) {
        return jobs.list(caller.tenantFilter().orElse(null), new JobService.JobQuery(status, artifactTypes, AnnouncedWindow.of(since, until)), Math.max(1, Math.min(limit, 500)))
                .stream().map(JobMapper::toView).toList();
    }

    @POST
    @Path("/{id}/announce")
    @Operation(summary = "Publish a finished job's job-completed event again",
            description = "For a service that never got it (found by reconciliation): the same content under a new event id. "
                    + "Consumers take up a job once, so a repeat changes nothing where the first one arrived. 409 JOB_NOT_FINISHED "
                    + "for a job still under way.")
    public Response announce(@PathParam("id") String id) {
        caller.requireService();
        return Response.accepted(jobs.announceAgain(id)).build();
    }

    @GET
    @Path("/{id}/metrics")
    @Operation(summary = "A job's training curve: loss, learning rate, gradient norm and throughput per step; validation losses")
    public JobMetricsView metrics(@PathParam("id") String id) {
        return JobMapper.toMetricsView(id, jobs.stepMetrics(caller.tenant(), id), jobs.validationLosses(caller.tenant(), id));
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "A job's history: queued, started, checkpoints, interruptions, the outcome")
    public List<JobEventView> events(@PathParam("id") String id) {
        return jobs.history(caller.tenant(), id).stream().map(JobMapper::toView).toList();
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel a job", description = "A job not started yet (or not yet created at its provider) ends CANCELLED at once; "
            + "a provider job goes CANCELLING until the provider confirms, then CANCELLED with job-completed. 409 for a finished job.")
    public JobView cancel(@PathParam("id") String id, @QueryParam("reason") @Parameter(description = "why (shown in the job's history)") String reason) {
        return JobMapper.toView(controls.cancel(owned(id), reason));
    }

    @POST
    @Path("/{id}/pause")
    @Operation(summary = "Pause a provider job (OpenAI)", description = "Asks the provider to pause a RUNNING job. The job stays RUNNING "
            + "(it is still followed); provider.rawStatus becomes 'paused' and provider.pausedAt says since when. 409 JOB_PAUSE_UNSUPPORTED "
            + "on a backend without pause (local, together, fireworks, kubernetes), JOB_NOT_PAUSABLE for a job not RUNNING or already "
            + "paused, JOB_ALREADY_FINISHED; the provider's refusal is 409 JOB_PROVIDER_REJECTED, its outage 503 JOB_PROVIDER_UNAVAILABLE.")
    public JobView pause(@PathParam("id") String id) {
        return JobMapper.toView(controls.pause(owned(id)));
    }

    @POST
    @Path("/{id}/resume")
    @Operation(summary = "Resume a paused provider job (OpenAI)", description = "409 JOB_NOT_PAUSED for a job that is not paused; "
            + "otherwise as pause.")
    public JobView resume(@PathParam("id") String id) {
        return JobMapper.toView(controls.resume(owned(id)));
    }

    @POST
    @Path("/{id}/download")
    @Operation(summary = "Copy a provider job's trained weights into the bucket",
            description = "202 at once; the job's events say where the archive went (jobs/{id}/provider-weights.tar.gz or .tar.zst) or why "
                    + "it failed. Together only (Fireworks and OpenAI keep the weights); 409 for a job not SUCCEEDED or a local job.")
    public Response download(@PathParam("id") String id) {
        return Response.accepted(JobMapper.toView(weights.requestDownload(owned(id)))).build();
    }

    @POST
    @Path("/{id}/rerun")
    @Consumes(MediaType.WILDCARD) // read by RerunRequest: no body is "the same again", whatever Content-Type a client sets
    @Operation(summary = "Submit the same request again as a new job, here or on another backend",
            description = "No body: the stored request as it was. With {\"backend\": ..., \"baseModel\": ...} (either may be left out): "
                    + "the same dataset, method, hyperparameters and budget on that backend and base model, to move a model to another "
                    + "provider. The new request is checked like any submission: a setting, method or model the backend does not offer "
                    + "is a 400 naming the field. Any other field in the body is 400 JOB_RERUN_FIELD_UNSUPPORTED. The new job's rerunOf "
                    + "names this one.")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RerunRequest.class)))
    public Response rerun(@PathParam("id") String id, String body) {
        JobService.Submission s = jobs.rerun(caller.tenant(), id, RerunRequest.of(body));
        JobView view = JobMapper.toView(s.job());
        return Response.created(URI.create("/jobs/" + view.id())).entity(view).build();
    }

    @GET
    @Path("/{id}/checkpoints")
    @Operation(summary = "A job's checkpoints: every one its backend keeps (the local engine keeps its newest resume point, kind resume)")
    public List<CheckpointView> checkpoints(@PathParam("id") String id) {
        return jobs.checkpoints(caller.tenant(), id).stream().map(c -> new CheckpointView(c.reference, c.step, c.kind, c.createdAt)).toList();
    }

    /** The id of a job of the caller's tenant; another tenant's answers 404 as a job that does not exist. */
    private String owned(String id) {
        return jobs.get(caller.tenant(), id).id;
    }
}
