package dev.refinery.inference.openai;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Answers an {@link OpenAiException} in OpenAI's error shape, with Retry-After when it has one. */
public class OpenAiErrors {

    @ServerExceptionMapper
    public Response openAi(OpenAiException e) {
        Response.ResponseBuilder r = Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(ErrorBody.of(e));
        if (e.retryAfterSeconds() != null) {
            r.header("Retry-After", e.retryAfterSeconds());
        }
        return r.build();
    }
}
