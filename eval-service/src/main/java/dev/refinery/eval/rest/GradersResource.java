package dev.refinery.eval.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.eval.grading.Graders;
import dev.refinery.eval.repository.Grader;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.util.List;

/**
 * The project's graders: named, versioned checks (regex, contains, JSONPath, JSON Schema, a pairwise judge) that an
 * evaluation scores as metrics ({@code "metrics": ["grader:<name>"]}) and a policy uses as guards. Posting a grader that
 * exists makes its next version; a version never changes.
 */
@Path("/graders")
@Produces(MediaType.APPLICATION_JSON)
public class GradersResource {

    @Inject
    Graders graders;

    @Inject
    CurrentCaller caller;

    /** {@code POST /graders} body. */
    public record Create(String name, String kind, JsonNode config) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a grader, or the next version of one: {\"name\", \"kind\", \"config\"}")
    public Response create(Create body) {
        if (body == null) {
            throw ApiException.badRequest("GRADER_REQUIRED", "send {\"name\", \"kind\", \"config\"}; kinds: regex, contains, json_path, "
                    + "json_schema, pairwise_judge");
        }
        Grader g = graders.create(caller.tenant(), body.name(), body.kind(), body.config(), caller.get().subject());
        return Response.created(URI.create("/graders/" + g.name)).entity(view(g)).build();
    }

    @GET
    @Operation(summary = "The project's graders, the newest version of each")
    public List<GraderView> list() {
        return graders.newest(caller.tenant()).stream().map(GradersResource::view).toList();
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "Every version of a grader, newest first")
    public List<GraderView> versions(@PathParam("name") String name) {
        return graders.versions(caller.tenant(), name).stream().map(GradersResource::view).toList();
    }

    private static GraderView view(Grader g) {
        return new GraderView(g.name, g.version, g.kind, Graders.config(g), Graders.PREFIX + g.name + "@" + g.version, g.createdBy, g.createdAt);
    }
}
