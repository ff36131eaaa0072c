package dev.refinery.gateway.auth;

import dev.refinery.gateway.identity.Identity;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.RequestScoped;

import java.util.Optional;

/** The authenticated caller of the request being served (set by {@link Authenticator}). */
@RequestScoped
public class GatewayCaller {

    private Identity identity;

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
}
