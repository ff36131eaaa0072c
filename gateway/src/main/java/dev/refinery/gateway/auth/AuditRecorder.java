package dev.refinery.gateway.auth;

import dev.refinery.gateway.identity.AuditLog;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.reflect.Method;

/**
 * Writes an audit entry for every successful call of an {@link Audited} route, in one place for all of them: the target
 * is the route's most specific id path parameter ({@code deliveryId}, {@code id} or {@code provider}), or else the id at the end of the created resource's
 * {@code Location}.
 */
public class AuditRecorder {

    private static final Logger LOG = Logger.getLogger(AuditRecorder.class);

    @Inject
    AuditLog audit;

    @Inject
    GatewayCaller caller;

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        Audited audited = method == null ? null : method.getAnnotation(Audited.class);
        if (audited == null || response.getStatus() / 100 != 2 || caller.current().isEmpty()) {
            return;
        }
        try {
            audit.record(caller.current().get(), caller.auditedProject(), audited.value(), target(request, response), response.getStatus());
        } catch (RuntimeException e) {
            // The action happened; a lost audit line must be loud in the log, but must not turn the answer into an error.
            LOG.errorf(e, "could not write the audit entry %s for %s", audited.value(), request.getUriInfo().getPath());
        }
    }

    private static String target(ContainerRequestContext request, ContainerResponseContext response) {
        var params = request.getUriInfo().getPathParameters();
        for (String name : new String[]{"deliveryId", "id", "provider"}) {
            if (params.containsKey(name)) {
                return params.getFirst(name);
            }
        }
        Object location = response.getHeaders().getFirst(HttpHeaders.LOCATION);
        if (location != null) {
            String s = location.toString();
            return s.substring(s.lastIndexOf('/') + 1);
        }
        return null;
    }
}
