package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.Audited;
import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.auth.RequiredScope;
import dev.refinery.gateway.webhook.Webhooks;
import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;

/**
 * The caller's project's webhooks: signed deliveries of its own pipeline events. Admin keys only, reading included: a
 * webhook's URL and delivery log (excerpts of the receiver's answers) are the project's integration details.
 */
@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks")
@RequiredScope(Scope.ADMIN)
@Blocking
public class WebhooksResource {

    @Inject
    Webhooks webhooks;

    @Inject
    GatewayCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited("webhook.created")
    @Operation(summary = "Create a webhook", description = "Events of the caller's project on the named topics (all six when events "
            + "is absent) are POSTed to url, signed the Standard Webhooks way. The answer holds the signing secret (whsec_...), the "
            + "only time it is shown. url: http or https, not to a private, loopback or link-local address.")
    public Response create(WebhookViews.WebhookRequest request) {
        if (request == null) {
            throw ApiException.badRequest("WEBHOOK_REQUEST_INVALID", "send {\"url\": ..., \"events\": [topics], \"description\": ...}");
        }
        Webhooks.WithSecret created = webhooks.create(caller.get(), request.url(), request.events(), request.description());
        return Response.created(URI.create("/v1/webhooks/" + created.webhook().id))
                .entity(WebhookViews.WebhookWithSecretView.of(created.webhook(), created.secret())).build();
    }

    @GET
    @Operation(summary = "The project's webhooks, newest first; never their secrets")
    public List<WebhookViews.WebhookView> list() {
        return webhooks.list(caller.get().project()).stream().map(WebhookViews.WebhookView::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A webhook of the project")
    public WebhookViews.WebhookView get(@PathParam("id") String id) {
        return WebhookViews.WebhookView.of(webhooks.get(caller.get().project(), id));
    }

    @DELETE
    @Path("/{id}")
    @Audited("webhook.deleted")
    @Operation(summary = "Delete a webhook", description = "With its delivery log; deliveries not yet made are dropped.")
    public Response delete(@PathParam("id") String id) {
        webhooks.delete(caller.get().project(), id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/rotate")
    @Audited("webhook.secret-rotated")
    @Operation(summary = "Rotate the signing secret", description = "Answers the new secret, once. The previous one keeps signing "
            + "beside it (a second v1 entry in webhook-signature) for refinery.webhooks.rotation-grace (24 h), until "
            + "previousSecretValidUntil, so receivers can switch without losing deliveries.")
    public WebhookViews.WebhookWithSecretView rotate(@PathParam("id") String id) {
        Webhooks.WithSecret rotated = webhooks.rotate(caller.get().project(), id);
        return WebhookViews.WebhookWithSecretView.of(rotated.webhook(), rotated.secret());
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The webhook's delivery log, newest first", description = "Status (PENDING, DELIVERED, FAILED), attempts, "
            + "the last response code and an excerpt of the last answer or error, and when the next attempt is due.")
    public List<WebhookViews.DeliveryView> deliveries(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("100") int limit) {
        return webhooks.deliveries(caller.get().project(), id, Math.max(1, Math.min(limit, 1000))).stream()
                .map(WebhookViews.DeliveryView::of).toList();
    }

    @POST
    @Path("/{id}/deliveries/{deliveryId}/redeliver")
    @Audited("webhook.redelivered")
    @Operation(summary = "Send a delivered or failed delivery again", description = "Due at once, with the same webhook-id (receivers "
            + "drop repeats by it) and a new round of retries. A delivery still pending answers 409.")
    public Response redeliver(@PathParam("id") String id, @PathParam("deliveryId") String deliveryId) {
        return Response.accepted(WebhookViews.DeliveryView.of(webhooks.redeliver(caller.get().project(), id, deliveryId))).build();
    }
}
