package dev.refinery.kit.auth;

import dev.refinery.identity.Caller;
import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.RequestScoped;

import java.util.Optional;

/**
 * The caller of the request being served, as {@link CallerFilter} verified it. Resources ask it for the
 * tenant whose resources the request may touch; a resource of another tenant is then not found, exactly
 * like one that does not exist.
 */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller get() {
        if (caller == null) {
            throw new ApiException(401, "IDENTITY_REQUIRED", "Unauthorized", "no verified identity came with this request");
        }
        return caller;
    }

    /** The tenant a request acts for; 403 for one of Refinery's services, which acts for none on a tenant's route. */
    public String tenant() {
        Caller c = get();
        if (c.isService()) {
            throw new ApiException(403, "IDENTITY_NOT_A_TENANT", "Forbidden", "this route acts for a tenant; " + c.subject()
                    + " is one of Refinery's services");
        }
        return c.tenant();
    }

    /** The tenant to filter by, or empty for a service, which may see every tenant's (reconciliation lists). */
    public Optional<String> tenantFilter() {
        Caller c = get();
        return c.isService() ? Optional.empty() : Optional.of(c.tenant());
    }

    /** For routes that manage the tenant itself (its provider secrets): 403 below {@code scope}. */
    public void requireScope(Scope scope) {
        if (!get().may(scope)) {
            throw new ApiException(403, "IDENTITY_SCOPE_INSUFFICIENT", "Forbidden", "this route needs scope " + scope.wireName());
        }
    }

    /** For internal routes (re-announcements, dead-letter replay): only Refinery's services may call them. */
    public void requireService() {
        Caller c = get();
        if (!c.isService()) {
            throw new ApiException(403, "IDENTITY_SERVICE_ONLY", "Forbidden", "this route is for Refinery's own services");
        }
    }
}
