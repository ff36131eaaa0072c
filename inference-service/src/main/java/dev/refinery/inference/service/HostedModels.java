package dev.refinery.inference.service;

import dev.refinery.inference.repository.ServedVersion;

import java.util.Optional;
import java.util.Set;

/**
 * The backends that keep models elsewhere, and how a request names one of their models directly: {@code
 * together:meta-llama/Meta-Llama-3.1-8B-Instruct-Reference} is that model as Together serves it, asked with the project's own
 * key; {@code endpoint:lab-vllm:llama-3-8b} is {@code llama-3-8b} as the operator's server {@code lab-vllm} serves it. This is
 * how eval-service asks the base model of a hosted fine-tune, and how an application compares with it. (A registered
 * version of such a model is named by its version id, like any other.)
 */
public final class HostedModels {

    /** The providers whose models training-service asks for us, with the project's key. */
    public static final Set<String> PROVIDERS = Set.of("together", "fireworks", "openai");

    /** The backend of models an operator's server answers: this prefix and the server's name. */
    public static final String SERVER_PREFIX = "endpoint:";

    private HostedModels() {
    }

    public static boolean isProvider(String backend) {
        return backend != null && PROVIDERS.contains(backend);
    }

    /** The server's name of an {@code endpoint:<server>} backend; empty for any other backend. */
    public static Optional<String> serverOf(String backend) {
        return backend != null && backend.startsWith(SERVER_PREFIX) ? Optional.of(backend.substring(SERVER_PREFIX.length()))
                : Optional.empty();
    }

    /**
     * The model {@code name} names directly on a provider or a server; empty when it names nothing of the kind. A server's
     * model named like a version ({@code mv-...}) is none: adapters are loaded into servers under their version's id, and
     * a version is reached only by its project, through the registry.
     */
    public static Optional<ServedTarget> named(String name) {
        if (name.startsWith(SERVER_PREFIX)) {
            String rest = name.substring(SERVER_PREFIX.length());
            int colon = rest.indexOf(':');
            if (colon <= 0 || colon == rest.length() - 1 || ServedVersion.ID.matcher(rest.substring(colon + 1)).matches()) {
                return Optional.empty();
            }
            return Optional.of(ServedTarget.hosted(name, SERVER_PREFIX + rest.substring(0, colon), rest.substring(colon + 1)));
        }
        int colon = name.indexOf(':');
        if (colon <= 0 || colon == name.length() - 1 || !isProvider(name.substring(0, colon))) {
            return Optional.empty();
        }
        return Optional.of(ServedTarget.hosted(name, name.substring(0, colon), name.substring(colon + 1)));
    }
}
