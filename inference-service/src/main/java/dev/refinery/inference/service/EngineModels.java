package dev.refinery.inference.service;

import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.io.ModelLibrary;
import dev.refinery.inference.config.EngineConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The engine's base models ({@link ModelLibrary}): each loaded once, on first use, and kept: every adapter shares it. */
@ApplicationScoped
public class EngineModels {

    private static final Logger LOG = Logger.getLogger(EngineModels.class);

    @Inject
    EngineConfig config;

    private ModelLibrary library;
    private final Map<String, LanguageModel> loaded = new ConcurrentHashMap<>();

    @PostConstruct
    void locate() {
        library = ModelLibrary.locate(config.modelsDir());
        LOG.infof("base models from %s: %s", library.dir(), library.ids());
    }

    public boolean has(String id) {
        return library.find(id).isPresent();
    }

    public List<String> ids() {
        return library.ids();
    }

    /** The base model {@code id}, which {@link #has} said exists. */
    public LanguageModel load(String id) {
        return loaded.computeIfAbsent(id, k -> {
            ModelLibrary.Entry e = library.find(k).orElseThrow(() -> new IllegalArgumentException("no base model " + k + " in " + library.dir()));
            long started = System.nanoTime();
            LanguageModel m = LanguageModel.load(e.path());
            LOG.infof("base model %s loaded from %s in %d ms", k, e.path(), (System.nanoTime() - started) / 1_000_000);
            return m;
        });
    }
}
