package dev.refinery.validation.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.validation.mapping.EstimateMapper;
import dev.refinery.validation.service.EstimateService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Cost estimates of training jobs, from a validated dataset's token counts or from counts given. */
@Path("/estimates")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EstimateResource {

    @Inject
    EstimateService estimates;

    @Inject
    CurrentCaller caller;

    @POST
    @Operation(summary = "Estimate what a fine-tuning job costs",
            description = "Body: backend, model (catalog id or alias), optional trainingType (lora, full, managed), method (sft, dpo), "
                    + "epochs, evaluations, packing, maxSeqLength; and either datasetId (token counts from its validation report) or "
                    + "trainingTokens with optional validationTokens, examples, validationExamples and relativeError (0: exact). "
                    + "Answers low/expected/high with the billed tokens, rate, price source and assumptions; priced=false with "
                    + "the reason when the catalog has no price.")
    public EstimateView estimate(JsonNode body) {
        // A datasetId must be the caller's own dataset: its report's token counts are the tenant's data.
        return EstimateMapper.toView(estimates.estimate(caller.tenantFilter(), body));
    }
}
