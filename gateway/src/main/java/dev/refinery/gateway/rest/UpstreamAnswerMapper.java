package dev.refinery.gateway.rest;

import dev.refinery.gateway.client.UpstreamAnswerException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Passes a service's unsuccessful answer on unchanged (see {@link UpstreamAnswerException}). */
public class UpstreamAnswerMapper {

    @ServerExceptionMapper
    public Response passThrough(UpstreamAnswerException e) {
        return Relay.of(e.response());
    }
}
