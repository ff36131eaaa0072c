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
 * Projects (tenants). The operator (an admin of project {@code default}, the bootstrap key's) sees and creates them, in any
 * organization, and makes each one's first admin key with {@code POST /v1/keys}; any other admin sees its own project.
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
    @Operation(summary = "Every project for the operator; the caller's own for anyone else")
    public List<ProjectView> list() {
        Identity who = caller.get();
        List<Project> projects = who.isOperator() ? store.allProjects() : store.project(who.project()).stream().toList();
        return projects.stream().map(ProjectView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited("project.created")
    @Operation(summary = "Create a project (the operator only)", description = "id: 1 to 63 lower-case letters, digits, '.', '_' or "
            + "'-', unique in the deployment. organization: default unless given (made when new).")
    public Response create(ProjectRequest request) {
        Identity who = caller.get();
        if (!who.isOperator()) {
            throw new ApiException(403, "PROJECT_CREATE_FORBIDDEN", "Forbidden", "projects are created by the deployment's operator "
                    + "(an admin key of project default)");
        }
        String id = Projects.checkedId(request == null ? null : request.id(), "id");
        String organization = request.organization() == null ? Projects.DEFAULT : Projects.checkedId(request.organization(), "organization");
        Project p = store.createProject(id, organization);
        return Response.created(URI.create("/v1/projects/" + p.id)).entity(ProjectView.of(p)).build();
    }
}
