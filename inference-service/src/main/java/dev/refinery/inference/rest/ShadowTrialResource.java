package dev.refinery.inference.rest;

import dev.refinery.inference.shadow.ShadowTrials;
import dev.refinery.inference.shadow.api.ShadowTrialRequest;
import dev.refinery.inference.shadow.api.ShadowTrialView;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import org.hibernate.exception.ConstraintViolationException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Shadow trials (Refinery's own API: problem+json errors). A pipeline's run opens one for its challenger (training-service,
 * acting for the project), reads it back until it ends, and withdraws it if the run ends otherwise. The gateway does not
 * route here: people follow a trial in its pipeline run's view.
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
        requireService();
        ShadowTrialView view;
        try {
            view = trials.open(caller.tenant(), id, request);
        } catch (PersistenceException e) {
            if (!(e instanceof ConstraintViolationException) && !(e.getCause() instanceof ConstraintViolationException)) {
                throw e; // the database away: the kit answers it as such, not as a busy alias
            }
            // another replica opened a trial on the alias (or this id) at the same moment: the unique index said no
            throw ApiException.conflict("SHADOW_TRIAL_ALIAS_BUSY", "another trial was opened on the alias at the same moment; ask again");
        }
        trials.refresh(); // mirrored from the next request on, on this replica; other replicas read it within seconds
        return view;
    }

    @DELETE
    @Operation(summary = "End a shadow trial now (Refinery's services only): its run ended otherwise; an ended trial is left as it is")
    public ShadowTrialView withdraw(@PathParam("id") String id, @QueryParam("reason") String reason) {
        requireService();
        String why = reason == null || reason.isBlank() ? "its run ended" : reason.length() > 200 ? reason.substring(0, 200) + "..." : reason;
        ShadowTrialView view = trials.withdraw(caller.tenant(), id, why);
        trials.refresh();
        return view;
    }

    private void requireService() {
        if (!caller.get().isServiceForTenant()) {
            throw new ApiException(403, "SHADOW_TRIAL_SERVICE_ONLY", "Forbidden", "shadow trials are opened and ended by a pipeline's "
                    + "run (set the pipeline's shadow settings), not by hand");
        }
    }

    @GET
    @Operation(summary = "A shadow trial: its counts (wins, losses, ties, unclear), the challenger's win rate, open or ended")
    public ShadowTrialView get(@PathParam("id") String id) {
        return trials.view(caller.tenant(), id);
    }
}
