package dev.refinery.inference.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.inference.config.InferenceConfig;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.service.HostedModels;
import dev.refinery.inference.service.ServedTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

/**
 * Which requests the operator's servers answer: a model registered from a server (backend {@code endpoint:<name>}) is
 * answered by that server; a server with a {@code base-model} answers that base model and every LoRA adapter of it (the
 * adapter is loaded into it first). The operator's configuration wins over the built-in engine: a base model served by a
 * GPU server is not run on the CPU engine too.
 */
@ApplicationScoped
public class InferenceServers {

    private static final Logger LOG = Logger.getLogger(InferenceServers.class);

    @Inject
    InferenceConfig config;

    @Inject
    ServerProxy proxy;

    @Inject
    LoraLoading loras;

    @Inject
    ProviderRoutes providers;

    /**
     * The server that answers {@code target} for {@code tenant}, with its adapter loaded; empty when the engine does (or
     * nothing can).
     */
    public Optional<ServerRoute> route(ServedTarget target, String tenant) {
        if (target.kind() == ServedTarget.Kind.HOSTED) {
            if (HostedModels.isProvider(target.backend())) {
                return providers.route(target, tenant);
            }
            return HostedModels.serverOf(target.backend()).flatMap(name -> Optional.ofNullable(config.servers().get(name))
                    .map(s -> route(name, s, target.providerModel(), null)));
        }
        Optional<Map.Entry<String, InferenceConfig.Server>> server = servingBase(target.baseModel());
        if (server.isEmpty()) {
            return Optional.empty();
        }
        String name = server.get().getKey();
        InferenceConfig.Server s = server.get().getValue();
        return switch (target.kind()) {
            case BASE -> Optional.of(route(name, s, s.servedBaseName().orElse(target.baseModel()), null));
            case ADAPTER -> {
                if (s.adapterDir().isEmpty()) {
                    throw OpenAiException.unservable(target.model(), "the inference server " + name + " serves " + target.baseModel()
                            + " but has no adapter-dir to load adapters from (refinery.inference.servers." + name + ".adapter-dir)");
                }
                loras.ensureLoaded(name, s, target);
                yield Optional.of(route(name, s, target.versionId(), target.versionId()));
            }
            default -> Optional.empty(); // a whole fine-tuned model runs on the engine
        };
    }

    /** Whether the operator configured a server named {@code name}. */
    public boolean has(String name) {
        return config.servers().containsKey(name);
    }

    /** Whether an operator's server serves the base model {@code id}. */
    public boolean servesBase(String id) {
        return servingBase(id).isPresent();
    }

    /** The base models the operator's servers serve. */
    public java.util.List<String> baseModels() {
        return config.servers().values().stream().flatMap(s -> s.baseModel().stream()).distinct().sorted().toList();
    }

    /** The adapter of a version just promoted, loaded into its base model's server ahead of the first request. */
    public void preload(ServedTarget target) {
        if (target.kind() != ServedTarget.Kind.ADAPTER) {
            return;
        }
        servingBase(target.baseModel()).filter(e -> e.getValue().adapterDir().isPresent()).ifPresent(e -> {
            try {
                loras.ensureLoaded(e.getKey(), e.getValue(), target);
            } catch (RuntimeException failure) {
                // the first request tries again and reports what goes wrong
                LOG.warnf("could not load the adapter of %s into server %s ahead of time: %s", target.versionId(), e.getKey(),
                        failure.getMessage());
            }
        });
    }

    /**
     * Asks the server {@code route} names at {@code path}; one that no longer knows an adapter it was given (it restarted) is
     * given it again and asked once more.
     */
    public ServerProxy.Answer ask(ServerRoute route, ServedTarget target, String tenant, String path, ObjectNode request) {
        ServerProxy.Answer answer = proxy.send(route, path, request);
        if (answer.modelNotFound() && route.adapterVersion() != null) {
            answer.discard();
            forget(route);
            answer = proxy.send(route(target, tenant).orElseThrow(), path, request);
        }
        return answer;
    }

    /** The request's adapter is unknown to the server (it restarted): load it again at the next request. */
    public void forget(ServerRoute route) {
        if (route.adapterVersion() != null) {
            loras.forget(route.server(), route.adapterVersion());
        }
    }

    private static ServerRoute route(String name, InferenceConfig.Server s, String model, String adapterVersion) {
        return new ServerRoute(name, ServerProxy.root(s), "", s.apiKey().filter(k -> !k.isBlank())
                .map(k -> Map.of("Authorization", "Bearer " + k)).orElse(Map.of()), model, adapterVersion);
    }

    private Optional<Map.Entry<String, InferenceConfig.Server>> servingBase(String baseModel) {
        return config.servers().entrySet().stream().filter(e -> e.getValue().baseModel().filter(baseModel::equals).isPresent())
                .sorted(Map.Entry.comparingByKey()).findFirst();
    }
}
