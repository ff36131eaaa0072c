package dev.refinery.training.rest;

import dev.refinery.training.backend.local.EngineModels;
import dev.refinery.training.backend.local.LocalEngineBackend;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/** The base models jobs can fine-tune. */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ModelResource {

    @Inject
    EngineModels catalog;

    @GET
    @Operation(summary = "The base models the local engine can fine-tune (id, format, context length); hosted models are in the catalog")
    public List<ModelView> list() {
        return catalog.models().stream().map(m -> new ModelView(m.id(), LocalEngineBackend.NAME, m.format(), m.contextLength())).toList();
    }
}
