package dev.refinery.identity;

import java.util.Objects;

/**
 * Who a request acts for, as the gateway established it: a tenant (a project) with the highest scope
 * of the key or token used, or one of Refinery's own services calling another (reconciliation, dead
 * letters), which acts for no tenant and sees all of them.
 *
 * @param subject  for a person or program: the key's visible prefix or the token's subject; for a
 *                 service: its name. Goes into audit entries and logs; never a secret.
 * @param tenant   the project whose resources the request may see; null for a service
 * @param scope    the highest scope granted
 */
public record Caller(String subject, String tenant, Scope scope) {

    public Caller {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(scope, "scope");
    }

    public static Caller tenant(String tenant, Scope scope, String subject) {
        return new Caller(subject, Objects.requireNonNull(tenant, "tenant"), scope);
    }

    /** One of Refinery's services, acting across tenants on internal routes. */
    public static Caller service(String serviceName) {
        return new Caller(serviceName, null, Scope.ADMIN);
    }

    /**
     * One of Refinery's services asking on a tenant's behalf with the tenant's own view (eval-service asking a project's
     * models at inference-service's door): it sees only that tenant's resources, and whoever reads the subject can tell a
     * service from a person or a program of the tenant (serving does not capture such a request as the project's traffic).
     */
    public static Caller serviceFor(String serviceName, String tenant) {
        return new Caller(SERVICE_PREFIX + serviceName, Objects.requireNonNull(tenant, "tenant"), Scope.WRITE);
    }

    /** The subject of a service acting for a tenant; an API key's subject is its {@code rfy_} prefix, never this. */
    public static final String SERVICE_PREFIX = "service:";

    /** Whether one of Refinery's services asks on the tenant's behalf ({@link #serviceFor}). */
    public boolean isServiceForTenant() {
        return tenant != null && subject.startsWith(SERVICE_PREFIX);
    }

    public boolean isService() {
        return tenant == null;
    }

    public boolean may(Scope needed) {
        return scope.covers(needed);
    }
}
