package dev.refinery.training.rest;

import dev.refinery.training.service.ModelCatalog;
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
    ModelCatalog catalog;

    @GET
    @Operation(summary = "The base models of the catalog (id, format, context length)")
    public List<ModelView> list() {
        return catalog.models().stream().map(m -> new ModelView(m.id(), "local", m.format(), m.contextLength())).toList();
    }
}
