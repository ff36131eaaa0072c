package dev.refinery.validation.service;

import dev.refinery.catalog.ModelCatalog;
import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.check.ModelChoice;
import dev.refinery.datasets.check.DedupPolicy;
import dev.refinery.datasets.dedup.EarlierVersions;
import dev.refinery.datasets.split.SplitPolicy;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.validation.config.ValidationConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The validator's options from this service's configuration, checked at start-up (a wrong target or
 * split fails the start, not the first dataset) and the tokenizer loaded once for every check.
 */
@ApplicationScoped
public class CheckSettings {

    private static final Logger LOG = Logger.getLogger(CheckSettings.class);

    @Inject
    ValidationConfig config;

    private Target target;
    private SplitPolicy splits;
    private DedupPolicy dedup;
    private OverContextPolicy overContext;
    private ModelCatalog catalog;
    private ModelChoice model;

    void onStart(@Observes StartupEvent ev) {
        init();
    }

    private synchronized void init() {
        if (target != null) {
            return;
        }
        target = Target.byId(config.target()).orElseThrow(() -> new IllegalArgumentException(
                "refinery.validation.target must be local, together, fireworks or openai; got '" + config.target() + "'"));
        int train = config.split().trainPercent();
        int validation = config.split().validationPercent();
        splits = new SplitPolicy(train, validation, 100 - train - validation);
        dedup = DedupPolicy.parse(config.dedup());
        overContext = config.overContext().map(p -> OverContextPolicy.valueOf(p.trim().toUpperCase(Locale.ROOT))).orElse(null);
        catalog = ModelCatalog.loadFromEnvironment();
        model = ModelChoice.resolve(catalog, target, config.model(), config.modelsDir().map(Path::of).orElseGet(ModelChoice::defaultModelsDir));
        if (model.tokenizerNote() != null) {
            LOG.warn(model.tokenizerNote());
        }
        LOG.infof("checking datasets for %s (%s), tokens: %s, splits %s, dedup %s", target.id(), model.model().id(),
                model.tokens().description(), splits, dedup);
    }

    public CheckOptions options(EarlierVersions earlier) {
        init();
        return CheckOptions.builder().target(target).model(model).pricing(catalog, config.epochs().orElse(null), 0)
                .splits(splits).dedup(dedup).earlierVersions(earlier).overContext(overContext).maxLineBytes(config.maxLineBytes())
                .samplesPerRule(config.samplesPerRule()).build();
    }
}
