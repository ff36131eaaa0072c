package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.Audited;
import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.auth.RequiredScope;
import dev.refinery.gateway.identity.Identity;
import dev.refinery.gateway.identity.KeyStore;
import dev.refinery.gateway.identity.Project;
import dev.refinery.gateway.identity.Projects;
import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Projects (tenants) of the caller's organization. The operator's organization ({@code default}, the bootstrap key's)
 * may also create a project in a new organization, whose first admin key it then makes with {@code POST /v1/keys}.
 */
@Path("/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "projects")
@RequiredScope(Scope.ADMIN)
@Blocking
public class ProjectsResource {

    record ProjectRequest(String id, String organization) {
    }

    record ProjectView(String id, String organization, OffsetDateTime createdAt) {
        static ProjectView of(Project p) {
            return new ProjectView(p.id, p.organizationId, p.createdAt);
        }
    }

    @Inject
    KeyStore store;

    @Inject
    GatewayCaller caller;

    @GET
    @Operation(summary = "The projects of the caller's organization")
    public List<ProjectView> list() {
        return store.projectsOf(caller.get().organization()).stream().map(ProjectView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited("project.created")
    @Operation(summary = "Create a project", description = "id: 1 to 63 lower-case letters, digits, '.', '_' or '-', unique in the "
            + "deployment. organization: the caller's unless the caller belongs to the operator's organization (default).")
    public Response create(ProjectRequest request) {
        Identity who = caller.get();
        String id = Projects.checkedId(request == null ? null : request.id(), "id");
        String organization = request.organization() == null ? who.organization() : Projects.checkedId(request.organization(), "organization");
        if (!organization.equals(who.organization()) && !Projects.DEFAULT.equals(who.organization())) {
            throw new ApiException(403, "PROJECT_ORGANIZATION_FORBIDDEN", "Forbidden",
                    "a project can be created in the caller's own organization only").with("field", "organization");
        }
        Project p = store.createProject(id, organization);
        return Response.created(URI.create("/v1/projects/" + p.id)).entity(ProjectView.of(p)).build();
    }
}
