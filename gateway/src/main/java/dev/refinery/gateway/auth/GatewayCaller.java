package dev.refinery.gateway.auth;

import dev.refinery.gateway.identity.Identity;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.RequestScoped;

import java.util.Optional;

/** The authenticated caller of the request being served (set by {@link Authenticator}). */
@RequestScoped
public class GatewayCaller {

    private Identity identity;
    private String auditedProject;

    void set(Identity identity) {
        this.identity = identity;
    }

    public Identity get() {
        if (identity == null) {
            throw new ApiException(401, "AUTH_REQUIRED", "Unauthorized", "this route needs an API key");
        }
        return identity;
    }

    public Optional<Identity> current() {
        return Optional.ofNullable(identity);
    }

    /**
     * The project an audited action concerned, when it is not the caller's own (the operator making or revoking another
     * project's key): the entry goes to that project's log, where its admins look.
     */
    public void auditFor(String project) {
        this.auditedProject = project;
    }

    public String auditedProject() {
        return auditedProject != null ? auditedProject : get().project();
    }
}
