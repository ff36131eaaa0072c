package dev.refinery.inference.server;

import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.inference.config.InferenceConfig;
import dev.refinery.inference.service.ServedTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Models a provider keeps (Together, Fireworks, OpenAI) are asked through training-service, which holds each project's
 * provider key and never gives it out ({@code POST <training-url>/internal/providers/<provider>/...?tenant=}): this
 * service calls it as itself, with a signed service identity, naming the project.
 */
@ApplicationScoped
public class ProviderRoutes {

    private static final String SELF = "inference-service";

    @Inject
    InferenceConfig config;

    @Inject
    IdentityTokens tokens;

    /** The route to {@code target}'s provider for {@code tenant}; empty when no training-service is configured. */
    public Optional<ServerRoute> route(ServedTarget target, String tenant) {
        return config.trainingUrl().map(url -> new ServerRoute(target.backend(), url.replaceAll("/+$", "") + "/internal/providers/"
                + target.backend(), "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8),
                Map.of(IdentityTokens.HEADER, tokens.mint(Caller.service(SELF))), target.providerModel(), null));
    }
}
