package dev.refinery.gateway.rest;

import dev.refinery.kit.problem.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The last route of the HTTP server: a path no resource serves gets a 404 problem, like every other
 * error of the API, instead of the HTTP server's plain-text page.
 */
@ApplicationScoped
public class UnknownRoutes {

    void install(@Observes Router router) {
        router.route().order(Integer.MAX_VALUE).handler(ctx -> {
            if (ctx.response().ended() || ctx.response().headWritten()) {
                return;
            }
            String path = ctx.normalizedPath();
            JsonObject problem = new JsonObject()
                    .put("type", "https://refinery.dev/problems/not-found")
                    .put("title", "Not found")
                    .put("status", 404)
                    .put("code", "NOT_FOUND")
                    .put("detail", "no resource at " + path)
                    .put("instance", path);
            ctx.response().setStatusCode(404).putHeader("Content-Type", Problem.MEDIA_TYPE).end(problem.encode());
        });
    }
}
