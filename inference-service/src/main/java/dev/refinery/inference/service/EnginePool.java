package dev.refinery.inference.service;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.io.PeftAdapterIo;
import dev.refinery.engine.lora.LoraAdapter;
import dev.refinery.engine.serve.AdapterCache;
import dev.refinery.engine.serve.ServingConfig;
import dev.refinery.engine.serve.ServingEngine;
import dev.refinery.inference.config.InferenceConfig;
import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.kit.storage.ObjectStorage;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The engines that serve: one per base model, shared by the base model and every LoRA adapter on it (one batch for all of
 * them: the adapters' low-rank updates are added row by row over one base product), and one per whole fine-tuned model, at
 * most {@link InferenceConfig#fullModels()} of them (least recently used closed first). Adapters are loaded from our
 * bucket on first use into the base's {@link AdapterCache}; a version's adapter is keyed by the version's id.
 */
@ApplicationScoped
public class EnginePool {

    private static final Logger LOG = Logger.getLogger(EnginePool.class);

    @Inject
    InferenceConfig config;

    @Inject
    EngineModels models;

    @Inject
    ObjectStorage storage;

    @Inject
    ServingMetrics metrics;

    private final Map<String, ServingEngine> byBase = new ConcurrentHashMap<>();
    /** Where each adapter key's files are: filled before an adapter is asked for, read by the cache's loader. */
    private final Map<String, ServedTarget> adapterSources = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, ServingEngine> fullModels = new LinkedHashMap<>(4, 0.75f, true);

    /**
     * The engine that serves {@code target}, and the adapter key to ask it for (null: the engine's own model).
     *
     * @throws OpenAiException when the target cannot be served here
     */
    public Route route(ServedTarget target) {
        if (target.kind() == ServedTarget.Kind.HOSTED) {
            throw notServable(target, "it answers through " + target.backend() + " (" + target.providerModel() + "): "
                    + HostedModels.serverOf(target.backend()).map(server -> "this service has no server of that name "
                    + "(refinery.inference.servers." + server + ".url)").orElse("this service has no training-service to ask "
                    + target.backend() + " through (refinery.inference.training-url)"));
        }
        if (!models.has(target.baseModel())) {
            throw notServable(target, "it is a fine-tune of " + target.baseModel() + ", which neither this server's engine (it has: "
                    + String.join(", ", models.ids()) + ") nor a configured inference server serves");
        }
        if (target.kind() == ServedTarget.Kind.FULL_MODEL) {
            return new Route(fullModel(target), null);
        }
        ServingEngine engine = byBase.computeIfAbsent(target.baseModel(), this::baseEngine);
        if (target.kind() == ServedTarget.Kind.ADAPTER) {
            adapterSources.put(target.versionId(), target);
            return new Route(engine, target.versionId());
        }
        return new Route(engine, null);
    }

    /** An engine and the adapter to use on it (null: none). */
    public record Route(ServingEngine engine, String adapter) {
    }

    /** Every engine running now, by what it serves (a base model's id, or a whole model's version id). */
    public synchronized Map<String, ServingEngine> engines() {
        Map<String, ServingEngine> all = new LinkedHashMap<>(byBase);
        all.putAll(fullModels);
        return all;
    }

    private ServingEngine baseEngine(String baseModel) {
        LanguageModel base = models.load(baseModel);
        AdapterCache adapters = new AdapterCache(base.weights().config(), config.adapterCacheBytes(), key -> loadAdapter(base, key));
        return started(base, adapters, baseModel);
    }

    private synchronized ServingEngine fullModel(ServedTarget target) {
        ServingEngine engine = fullModels.get(target.versionId());
        if (engine != null) {
            return engine;
        }
        LanguageModel base = models.load(target.baseModel());
        Path dir = download(target);
        LanguageModel model;
        try {
            model = base.withWeights(dir);
        } catch (EngineException e) {
            throw unservable(target, "its model cannot be read as a fine-tune of " + target.baseModel() + ": [" + e.code() + "] " + e.getMessage());
        } finally {
            deleteQuietly(dir);
        }
        engine = started(model, null, target.versionId());
        fullModels.put(target.versionId(), engine);
        closeIdleBeyondBound();
        return engine;
    }

    /**
     * Closes the least recently used whole models beyond the bound, but only idle ones (nothing queued or running): a busy
     * one stays until a later request finds it idle, so no answer is cut off to make room.
     */
    private void closeIdleBeyondBound() {
        var it = fullModels.entrySet().iterator();
        while (fullModels.size() > config.fullModels() && it.hasNext()) {
            Map.Entry<String, ServingEngine> e = it.next();
            ServingEngine engine = e.getValue();
            if (engine.queueDepth() == 0 && engine.activeSequences() == 0 && fullModels.size() > config.fullModels()) {
                it.remove();
                metrics.engineClosed(e.getKey());
                engine.close();
                LOG.infof("whole model %s unloaded: at most %d kept", e.getKey(), config.fullModels());
            }
        }
    }

    private ServingEngine started(LanguageModel model, AdapterCache adapters, String what) {
        ServingEngine engine = new ServingEngine(model, adapters, new ServingConfig(config.slots(), config.queue(), config.maxStepTokens(), 0));
        engine.start();
        metrics.engineStarted(what, engine);
        LOG.infof("engine for %s started: %d slots, queue %d", what, config.slots(), config.queue());
        return engine;
    }

    /** The cache's loader: runs on the requesting thread, never on the engine's decode thread. */
    private LoraAdapter loadAdapter(LanguageModel base, String versionId) {
        ServedTarget target = adapterSources.get(versionId);
        if (target == null) {
            throw new EngineException.UnknownAdapter("no adapter is known for " + versionId);
        }
        Path dir = download(target);
        try {
            return PeftAdapterIo.read(dir, base.weights().config(), base.fingerprint());
        } finally {
            deleteQuietly(dir);
        }
    }

    private Path download(ServedTarget target) {
        if (!storage.bucket().equals(target.bucket())) {
            throw unservable(target, "its files are in bucket " + target.bucket() + ", and this service reads only " + storage.bucket());
        }
        Path dir;
        try {
            Path root = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir"), "refinery-inference"));
            Files.createDirectories(root);
            dir = Files.createTempDirectory(root, target.versionId() + "-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a folder for " + target.versionId() + ": " + e.getMessage(), e);
        }
        List<Path> files;
        try {
            files = storage.downloadFolder(target.key(), dir);
        } catch (ObjectStorage.UnsafeKeyException e) {
            deleteQuietly(dir);
            throw unservable(target, e.getMessage());
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
        if (files.isEmpty()) {
            deleteQuietly(dir);
            throw unservable(target, "no files under " + target.key() + " in bucket " + target.bucket());
        }
        return dir;
    }

    private static OpenAiException unservable(ServedTarget target, String why) {
        return OpenAiException.unservable(target.model(), why);
    }

    private static OpenAiException notServable(ServedTarget target, String why) {
        return new OpenAiException(400, "invalid_request_error", "model_not_servable", "model", "Model '" + target.model()
                + "' cannot be served here: " + why + ".", null);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not remove %s: %s", dir, e.getMessage());
        }
    }

    @PreDestroy
    synchronized void close() {
        byBase.values().forEach(ServingEngine::close);
        fullModels.values().forEach(ServingEngine::close);
    }
}
