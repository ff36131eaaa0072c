package dev.refinery.eval.rest;

import dev.refinery.eval.mapping.RegistryMapper;
import dev.refinery.eval.registry.ModelRegistry;
import dev.refinery.eval.registry.PromotionPolicies;
import dev.refinery.eval.repository.Evaluation;
import dev.refinery.eval.repository.ModelAlias;
import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.eval.repository.Promotion;
import dev.refinery.eval.service.ModelEndpoints;
import dev.refinery.identity.Scope;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
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

/**
 * The model registry of the caller's project: versions with their lineage, aliases (champion, or any name) with their
 * history, promotion and rollback, and the promotion policy. Another project's versions and aliases are not found, exactly
 * like ones that do not exist. Reading needs the read scope, promoting and rolling back the write scope, changing the
 * policy (what is promoted without a person) the admin scope.
 */
@Path("/registry")
@Produces(MediaType.APPLICATION_JSON)
public class RegistryResource {

    private static final int MAX_REASON = 1000;

    @Inject
    ModelRegistry registry;

    @Inject
    PromotionPolicies policies;

    @Inject
    CurrentCaller caller;

    @Inject
    ModelEndpoints endpoints;

    @GET
    @Path("/models")
    @Operation(summary = "The project's model versions, newest first, with the aliases that name them")
    @Transactional
    public List<ModelVersionView> versions(@QueryParam("limit") @DefaultValue("50") int limit) {
        String tenant = caller.tenant();
        return ModelVersion.newest(tenant, Math.max(1, Math.min(limit, 500))).stream()
                .map(v -> RegistryMapper.summary(v, aliasesOf(tenant, v.id))).toList();
    }

    @POST
    @Path("/models")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a model an OpenAI-compatible server of this deployment answers (vLLM, TGI), so that it can be "
            + "evaluated and promoted like a fine-tune", description = "201 with the new version; 200 with the version already "
            + "registered for the same model of the same server.")
    public Response register(RegistryRequests.RegisterModel body) {
        if (body == null || body.endpoint() == null || !endpoints.serverNames().contains(body.endpoint())) {
            throw ApiException.badRequest("EVAL_ENDPOINT_UNKNOWN", (body == null || body.endpoint() == null ? "say which server answers "
                    + "the model: {\"endpoint\": ..., \"model\": ..., \"baseModel\": ...}" : "this deployment has no server named '"
                    + body.endpoint() + "'") + "; its servers: " + (endpoints.serverNames().isEmpty() ? "none (an operator adds one with "
                    + "refinery.eval.endpoints.<name>.url)" : String.join(", ", endpoints.serverNames()))).with("field", "endpoint");
        }
        String model = servedName(body.model(), "model");
        String baseModel = servedName(body.baseModel(), "baseModel");
        ModelRegistry.Registered r = registry.registerServed(caller.tenant(), body.endpoint(), model, baseModel, caller.get().subject());
        ModelVersionView view = RegistryMapper.summary(r.version(), aliasesOf(caller.tenant(), r.version().id));
        return r.created() ? Response.created(URI.create("/registry/models/" + r.version().id)).entity(view).build() : Response.ok(view).build();
    }

    /** Refinery's own version ids, which servers load adapters under: never a name a project registers. */
    private static final java.util.regex.Pattern VERSION_NAME = java.util.regex.Pattern.compile("^mv-[0-9a-f]{32}$");

    /** A name as a server knows a model: 1 to 300 printable characters, not a version id. */
    private static String servedName(String name, String field) {
        if (name == null || name.isBlank() || name.length() > 300 || name.chars().anyMatch(Character::isISOControl)
                || VERSION_NAME.matcher(name.strip()).matches()) {
            throw ApiException.badRequest("EVAL_MODEL_NAME_INVALID", field + " is the name the server answers the model under: 1 to 300 "
                    + "printable characters, not a version id (mv-...: adapters are loaded into servers under those)"
                    + (name == null ? ", and it is missing" : "")).with("field", field);
        }
        return name.strip();
    }

    @GET
    @Path("/models/{id}")
    @Operation(summary = "A model version with its lineage: dataset, job, artifact, evaluations and promotions")
    @Transactional
    public ModelVersionView version(@PathParam("id") String id) {
        String tenant = caller.tenant();
        ModelVersion v = registry.version(tenant, id);
        return RegistryMapper.view(v, aliasesOf(tenant, v.id), Evaluation.ofVersion(tenant, v.id, 100), Promotion.involving(tenant, v.id, 100));
    }

    @GET
    @Path("/aliases")
    @Operation(summary = "The project's aliases and the versions they name")
    @Transactional
    public List<AliasView> aliases() {
        return ModelAlias.ofTenant(caller.tenant()).stream()
                .map(a -> RegistryMapper.view(a, ModelVersion.findById(a.modelVersionId), null)).toList();
    }

    @GET
    @Path("/aliases/{alias}")
    @Operation(summary = "An alias, the version it names, and every change of it, newest first")
    @Transactional
    public AliasView alias(@PathParam("alias") String alias) {
        return aliasView(caller.tenant(), alias);
    }

    @PUT
    @Path("/aliases/{alias}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Point an alias at a version (promotion by hand), with the reason recorded")
    public AliasView promote(@PathParam("alias") String alias, RegistryRequests.Promote body) {
        String tenant = caller.tenant();
        if (body == null || body.version() == null) {
            throw ApiException.badRequest("PROMOTION_VERSION_REQUIRED", "say which version the alias should name: {\"version\": \"mv-...\", "
                    + "\"reason\": \"...\"}").with("field", "version");
        }
        String reason = reason(body.reason());
        ModelVersion target = registry.resolve(tenant, body.version(), "version");
        if (body.evaluationId() != null && Evaluation.owned(tenant, body.evaluationId()).isEmpty()) {
            throw ApiException.notFound("EVAL_NOT_FOUND", "no evaluation " + body.evaluationId()).with("field", "evaluationId");
        }
        // a pipeline's shadow phase promotes as its project (training-service acting for it): automatic, not a person's act
        registry.promote(target, alias, caller.get().subject(), reason, caller.get().isServiceForTenant(), body.evaluationId());
        return aliasView(tenant, alias);
    }

    @POST
    @Path("/aliases/{alias}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Give an alias back to the version that held it before the promotion in effect")
    public AliasView rollback(@PathParam("alias") String alias, RegistryRequests.Rollback body) {
        String tenant = caller.tenant();
        registry.rollback(tenant, alias, caller.get().subject(), reason(body == null ? null : body.reason()));
        return aliasView(tenant, alias);
    }

    @GET
    @Path("/policy")
    @Operation(summary = "The project's promotion policy: primary metric and margin, the held-out loss guard, the alias, automatic or not")
    public RegistryRequests.Policy policy() {
        return RegistryMapper.view(policies.of(caller.tenant()));
    }

    @PUT
    @Path("/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the project's promotion policy (admin scope); fields left out keep their value")
    public RegistryRequests.Policy updatePolicy(RegistryRequests.Policy body) {
        caller.requireScope(Scope.ADMIN);
        if (body == null) {
            throw ApiException.badRequest("POLICY_REQUIRED", "send the policy fields to change: metric, margin, lossMargin, alias, autoPromote");
        }
        return RegistryMapper.view(policies.update(caller.tenant(), RegistryMapper.change(body), caller.get().subject()));
    }

    private AliasView aliasView(String tenant, String alias) {
        ModelAlias a = ModelAlias.of(tenant, ModelRegistry.requireAliasName(alias, "alias")).orElseThrow(() -> ApiException.notFound("MODEL_ALIAS_NOT_FOUND",
                "project has no alias '" + alias + "'"));
        return RegistryMapper.view(a, ModelVersion.findById(a.modelVersionId), Promotion.history(tenant, alias, 100));
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw ApiException.badRequest("PROMOTION_REASON_REQUIRED", "say why: the reason goes into the alias's history for whoever "
                    + "reads it later").with("field", "reason");
        }
        if (reason.length() > MAX_REASON) {
            throw ApiException.badRequest("PROMOTION_REASON_TOO_LONG", "the reason is " + reason.length() + " characters; at most "
                    + MAX_REASON).with("field", "reason");
        }
        return reason.strip();
    }

    private static List<String> aliasesOf(String tenant, String versionId) {
        return ModelAlias.pointingAt(tenant, versionId).stream().map(a -> a.key.name).toList();
    }
}
