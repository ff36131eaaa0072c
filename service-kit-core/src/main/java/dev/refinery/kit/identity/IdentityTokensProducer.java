package dev.refinery.kit.identity;

import dev.refinery.identity.IdentityTokens;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** One {@link IdentityTokens} per process, checked at start so a missing or short key stops the service with a clear message. */
@ApplicationScoped
public class IdentityTokensProducer {

    @Produces
    @Singleton
    @Startup
    IdentityTokens tokens(IdentityConfig config, @ConfigProperty(name = "quarkus.application.name") String application) {
        return new IdentityTokens(config.signingKey(), application, config.tokenTtl());
    }
}
