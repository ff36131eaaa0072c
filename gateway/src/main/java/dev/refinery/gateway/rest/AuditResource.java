package dev.refinery.gateway.rest;

import dev.refinery.gateway.auth.GatewayCaller;
import dev.refinery.gateway.auth.RequiredScope;
import dev.refinery.gateway.identity.AuditEntry;
import dev.refinery.gateway.identity.AuditLog;
import dev.refinery.identity.Scope;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.List;

/** The caller's project's audit log. */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@RequiredScope(Scope.ADMIN)
@Blocking
public class AuditResource {

    record AuditEntryView(long id, OffsetDateTime at, String actor, String action, String target, int status) {
        static AuditEntryView of(AuditEntry e) {
            return new AuditEntryView(e.id, e.at, e.actor, e.action, e.target, e.status);
        }
    }

    @Inject
    AuditLog audit;

    @Inject
    GatewayCaller caller;

    @GET
    @Operation(summary = "Audited actions, newest first", description = "Keys created and revoked, projects created, provider secrets "
            + "set and deleted, jobs created, cancelled, rerun, paused, resumed and their weights downloaded, webhooks created, "
            + "deleted, rotated and redelivered: when, by which key (its prefix), on what.")
    public List<AuditEntryView> list(@QueryParam("action") String action, @QueryParam("limit") @DefaultValue("100") int limit) {
        return audit.recent(caller.get().project(), action, Math.max(1, Math.min(limit, 1000))).stream().map(AuditEntryView::of).toList();
    }
}
