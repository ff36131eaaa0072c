package dev.refinery.inference.rest;

import dev.refinery.inference.openai.ModelList;
import dev.refinery.inference.service.ModelResolver;
import dev.refinery.kit.auth.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** OpenAI's {@code GET /v1/models}: what the caller's project can name as {@code model}. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    /** Versions listed, newest first; older ones stay servable by id. */
    private static final int VERSIONS = 100;

    @Inject
    ModelResolver resolver;

    @Inject
    CurrentCaller caller;

    @GET
    @Operation(summary = "The models this project can use: its aliases (e.g. champion), its versions (mv-...), the engine's base models")
    public ModelList list() {
        return ModelList.of(resolver.list(caller.tenant(), VERSIONS));
    }

    @GET
    @Path("/{model}")
    @Operation(summary = "One model this project can use (404 in OpenAI's error shape for any other)")
    public ModelList.Model get(@PathParam("model") String model) {
        return resolver.describe(caller.tenant(), model);
    }
}
