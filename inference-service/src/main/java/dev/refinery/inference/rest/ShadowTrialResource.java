package dev.refinery.inference.rest;

import dev.refinery.inference.shadow.ShadowTrials;
import dev.refinery.inference.shadow.api.ShadowTrialRequest;
import dev.refinery.inference.shadow.api.ShadowTrialView;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Shadow trials (Refinery's own API: problem+json errors). A pipeline's run opens one for its challenger (training-service,
 * acting for the project) and reads it back until it ends; the project may read it too.
 */
@Path("/v1/shadow-trials/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class ShadowTrialResource {

    @Inject
    ShadowTrials trials;

    @Inject
    CurrentCaller caller;

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Open a shadow trial (Refinery's services only): a share of the alias's live chat requests answered by the "
            + "challenger too and judged; asked again, the same trial")
    public ShadowTrialView open(@PathParam("id") String id, ShadowTrialRequest request) {
        if (!caller.get().isServiceForTenant()) {
            throw new ApiException(403, "SHADOW_TRIAL_SERVICE_ONLY", "Forbidden", "shadow trials are opened by a pipeline's run "
                    + "(set the pipeline's shadow settings), not by hand");
        }
        ShadowTrialView view = trials.open(caller.tenant(), id, request);
        trials.refresh(); // mirrored from the next request on, on this replica; other replicas read it within seconds
        return view;
    }

    @GET
    @Operation(summary = "A shadow trial: its counts (wins, losses, ties, unclear), the challenger's win rate, open or ended")
    public ShadowTrialView get(@PathParam("id") String id) {
        return trials.view(caller.tenant(), id);
    }
}
