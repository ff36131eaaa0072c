package dev.refinery.inference.service;

import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.openai.ModelList;
import dev.refinery.inference.repository.ServedAlias;
import dev.refinery.inference.repository.ServedVersion;
import dev.refinery.inference.server.InferenceServers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a request's {@code model} names, for the caller's project: a version ({@code mv-...}), the version of a job
 * ({@code ft-...}), an alias such as {@code champion}, a base model of the engine or of an operator's server, or a model a
 * provider or a server keeps named directly ({@link HostedModels}). Another project's version, job or alias
 * is as unknown as one that does not exist.
 */
@ApplicationScoped
public class ModelResolver {

    private static final Pattern JOB_ID = Pattern.compile("^ft-[0-9a-f]{32}$");
    private static final String REFINERY = "refinery";

    @Inject
    EngineModels engineModels;

    @Inject
    InferenceServers servers;

    /** @throws OpenAiException 404 {@code model_not_found} */
    @Transactional
    public ServedTarget resolve(String tenant, String model) {
        Optional<ServedVersion> version = ServedVersion.ID.matcher(model).matches() ? ServedVersion.owned(tenant, model)
                : JOB_ID.matcher(model).matches() ? ServedVersion.ofJob(tenant, model)
                : ServedAlias.of(tenant, model).flatMap(a -> ServedVersion.owned(tenant, a.versionId));
        if (version.isPresent()) {
            return ServedTarget.of(version.get());
        }
        if (engineModels.has(model) || servers.servesBase(model)) {
            return ServedTarget.base(model);
        }
        // A server's model only where the server is configured here; a provider's whenever named (the provider decides).
        Optional<ServedTarget> hosted = HostedModels.named(model)
                .filter(t -> HostedModels.serverOf(t.backend()).map(servers::has).orElse(true));
        if (hosted.isPresent()) {
            return hosted.get();
        }
        throw OpenAiException.modelNotFound(model);
    }

    /** One model the project can name, as OpenAI's {@code GET /v1/models/{model}} shows it. */
    @Transactional
    public ModelList.Model describe(String tenant, String model) {
        ServedTarget target = resolve(tenant, model);
        if (target.versionId() == null) {
            return ModelList.Model.of(model, 0, target.kind() == ServedTarget.Kind.HOSTED ? target.backend() : REFINERY);
        }
        long created = ServedAlias.of(tenant, model).map(a -> a.changedAt.toEpochSecond())
                .orElseGet(() -> ServedVersion.<ServedVersion>findById(target.versionId()).registeredAt.toEpochSecond());
        return ModelList.Model.of(model, created, tenant);
    }

    /** What the project can name, newest versions first: its aliases, its versions, then the engine's base models. */
    @Transactional
    public List<ModelList.Model> list(String tenant, int versions) {
        List<ModelList.Model> out = new ArrayList<>();
        for (ServedAlias a : ServedAlias.ofTenant(tenant)) {
            out.add(ModelList.Model.of(a.key.alias, a.changedAt.toEpochSecond(), tenant));
        }
        for (ServedVersion v : ServedVersion.newest(tenant, versions)) {
            out.add(ModelList.Model.of(v.id, v.registeredAt.toEpochSecond(), tenant));
        }
        for (String id : java.util.stream.Stream.concat(engineModels.ids().stream(), servers.baseModels().stream()).distinct().toList()) {
            out.add(ModelList.Model.of(id, 0, REFINERY));
        }
        return out;
    }
}
