package dev.refinery.validation.rest;

import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.validation.service.ReportService;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * Validation reports of datasets, by dataset id: the caller's own tenant's only (its verified identity says which);
 * another tenant's dataset is answered like one that does not exist. Refinery's services see every tenant's.
 */
@Path("/reports")
@Produces(MediaType.APPLICATION_JSON)
public class ReportResource {

    @Inject
    ReportService reports;

    @Inject
    CurrentCaller caller;

    @GET
    @Path("/{datasetId}")
    @Operation(summary = "A dataset's validation report: status, counts, problems per rule, splits",
            description = "Status PENDING or RUNNING until the dataset has been checked, then VALID or INVALID "
                    + "(FAILED when the service could not read it after several attempts).")
    public ReportView get(@PathParam("datasetId") String datasetId) {
        return reports.report(caller.tenantFilter(), datasetId);
    }

    @GET
    @Path("/{datasetId}/problems")
    @Operation(summary = "A dataset's problems in line order: line, rule code, JSON path, message and fix hint",
            description = "All problems are counted (total); the first ones of each rule are kept in full and paged here (kept).")
    public ProblemPage problems(@PathParam("datasetId") String datasetId,
                                @QueryParam("rule") @Parameter(description = "only this rule code, e.g. DATASET_ROLE_UNKNOWN") String rule,
                                @QueryParam("limit") @DefaultValue("100") @Parameter(description = "1 to 1000") String limit,
                                @QueryParam("offset") @DefaultValue("0") String offset) {
        return reports.problems(caller.tenantFilter(), datasetId, rule, number("limit", limit), number("offset", offset));
    }

    // Taken as text so that "limit=ten" gets a problem response naming the parameter, not the framework's 404.
    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("PAGE_INVALID", name + " must be a whole number, got '" + value + "'").with("field", name);
        }
    }
}
