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

    public boolean isService() {
        return tenant == null;
    }

    public boolean may(Scope needed) {
        return scope.covers(needed);
    }
}
