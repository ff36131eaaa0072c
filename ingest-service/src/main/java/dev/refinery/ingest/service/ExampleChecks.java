package dev.refinery.ingest.service;

import dev.refinery.catalog.ModelCatalog;
import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.check.ModelChoice;
import dev.refinery.datasets.check.RecordCheck;
import dev.refinery.datasets.check.TargetModels;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The validator, set up for a collection's check options: its target's rules, its model's tokenizer and context, its
 * over-context policy; without a target, the validator's own default (the local engine). The options are built once
 * per distinct choice (tokenizers load once, {@link TargetModels}) and each batch gets its own {@link RecordCheck}, which
 * is not thread-safe.
 */
@ApplicationScoped
public class ExampleChecks {

    @Inject
    IngestConfig config;

    private final TargetModels models = new TargetModels(ModelCatalog.loadFromEnvironment(), ModelChoice.defaultModelsDir());
    private final Map<CheckChoices, CheckOptions> optionsByChoice = new ConcurrentHashMap<>();

    public RecordCheck forChoices(CheckChoices choices) {
        CheckChoices key = choices == null ? new CheckChoices(null, null, null, null, null, null, null, null) : choices;
        return new RecordCheck(optionsByChoice.computeIfAbsent(key, this::options));
    }

    private CheckOptions options(CheckChoices c) {
        Target target = c.target() == null ? Target.LOCAL : Target.byId(c.target()).orElseThrow();
        CheckOptions.Builder options = CheckOptions.builder().target(target).maxLineBytes(config.maxExampleBytes());
        ModelChoice model = models.resolve(target, c.model());
        if (model != null) {
            options.model(model);
        }
        if (c.overContext() != null) {
            options.overContext(OverContextPolicy.valueOf(c.overContext().toUpperCase(Locale.ROOT)));
        }
        return options.build();
    }
}
