package dev.refinery.gateway.rest;

import dev.refinery.kit.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * On the OpenAI-compatible routes the gateway's own errors (no key or a revoked one, a scope too small, a key over its
 * rate, inference-service away or too slow) take OpenAI's error shape, as inference-service's do, so that OpenAI's client
 * libraries read the message and code: {@code {"error": {"message", "type", "param", "code"}}}, the code the problem's.
 * Every other route keeps problem+json.
 */
public class OpenAiErrorShape {

    private static final List<String> OPENAI_ROUTES = List.of("/v1/chat/completions", "/v1/completions", "/v1/models");

    @ServerResponseFilter
    public void reshape(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(response.getEntity() instanceof Problem problem)) {
            return;
        }
        String path = request.getUriInfo().getPath();
        if (OPENAI_ROUTES.stream().noneMatch(route -> path.equals(route) || path.startsWith(route + "/"))) {
            return;
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", problem.detail() != null ? problem.detail() : problem.title());
        error.put("type", problem.status() == 429 ? "rate_limit_error" : problem.status() >= 500 ? "server_error" : "invalid_request_error");
        error.put("param", problem.extensions().get("field"));
        error.put("code", problem.code());
        response.setEntity(Map.of("error", error), null, MediaType.APPLICATION_JSON_TYPE);
    }
}
