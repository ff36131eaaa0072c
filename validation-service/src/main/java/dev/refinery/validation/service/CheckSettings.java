package dev.refinery.validation.service;

import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.check.DedupPolicy;
import dev.refinery.datasets.check.ModelChoice;
import dev.refinery.datasets.check.TargetModels;
import dev.refinery.datasets.dedup.EarlierVersions;
import dev.refinery.datasets.split.SplitPolicy;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.validation.config.ValidationConfig;
import dev.refinery.validation.rest.ReportView;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The validator's options for one dataset: its uploader's choices ({@link RunChecks}, carried by
 * dataset-uploaded) where given, this service's configuration for the rest. The configured defaults are
 * checked at start-up (a wrong target or split fails the start, not the first dataset); each model's
 * tokenizer is loaded once and shared by every check that names it.
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
    private TargetModels models;

    void onStart(@Observes StartupEvent ev) {
        init();
    }

    private synchronized void init() {
        if (target != null) {
            return;
        }
        Target configured = Target.byId(config.target()).orElseThrow(() -> new IllegalArgumentException(
                "refinery.validation.target must be local, together, fireworks or openai; got '" + config.target() + "'"));
        int train = config.split().trainPercent();
        int validation = config.split().validationPercent();
        splits = new SplitPolicy(train, validation, 100 - train - validation);
        dedup = DedupPolicy.parse(config.dedup());
        overContext = config.overContext().map(CheckSettings::overContext).orElse(null);
        catalog = ModelCatalog.loadFromEnvironment();
        models = new TargetModels(catalog, config.modelsDir().map(Path::of).orElseGet(ModelChoice::defaultModelsDir));
        ModelChoice model = models.resolve(configured, config.model());
        if (model.tokenizerNote() != null) {
            LOG.warn(model.tokenizerNote());
        }
        target = configured;
        LOG.infof("checking datasets for %s (%s) unless their upload says otherwise; tokens: %s, splits %s, dedup %s", target.id(),
                model.model().id(), model.tokens().description(), splits, dedup);
    }

    public ModelCatalog catalog() {
        init();
        return catalog;
    }

    /**
     * The options to check one dataset with.
     *
     * @param testSet opens the fixed test set's file; null when the dataset has none
     * @throws CheckChoiceException when one of the dataset's own options cannot be used here
     */
    public CheckOptions options(EarlierVersions earlier, RunChecks checks, CheckOptions.TestSetSource testSet) {
        init();
        Target chosenTarget = checks.target() == null ? target : parse("target", checks.target(),
                id -> Target.byId(id).orElseThrow(() -> new IllegalArgumentException("not a target: '" + id + "'")));
        CheckOptions.Builder options = CheckOptions.builder();
        try {
            models.apply(options, chosenTarget, modelFor(chosenTarget, checks.model()), checks.epochs() != null ? checks.epochs()
                    : config.epochs().orElse(null), checks.evaluations() == null ? 0 : checks.evaluations());
        } catch (CatalogException e) {
            throw new CheckChoiceException("model", e.getMessage());
        }
        SplitPolicy chosenSplits = checks.splits() != null ? parse("splits", checks.splits(), SplitPolicy::parse)
                : checks.hasFixedTestSet() ? SplitPolicy.DEFAULT : splits; // a fixed test set leaves no test share to the file
        options.splits(chosenSplits)
                .dedup(checks.dedup() == null ? dedup : parse("dedup", checks.dedup(), DedupPolicy::parse))
                .overContext(checks.overContext() == null ? overContext : parse("overContext", checks.overContext(), CheckSettings::overContext))
                .earlierVersions(earlier)
                .maxLineBytes(config.maxLineBytes())
                .maxDecompressedBytes(config.maxDecompressedBytes())
                .samplesPerRule(config.samplesPerRule());
        if (testSet != null) {
            options.fixedTestSet(testSet);
        }
        try {
            return options.build();
        } catch (IllegalArgumentException e) {
            throw new CheckChoiceException(checks.hasFixedTestSet() ? "testSet" : "splits", e.getMessage());
        }
    }

    /** The options a dataset is checked with, for the report view: its own where given, the defaults otherwise. */
    public ReportView.ChecksView effective(RunChecks checks) {
        init();
        List<String> chosen = new ArrayList<>();
        Target chosenTarget = target;
        if (checks.target() != null) {
            chosen.add("target");
            chosenTarget = Target.byId(checks.target()).orElse(target);
        }
        if (checks.model() != null) {
            chosen.add("model");
        }
        String chosenSplits = checks.splits() != null ? checks.splits() : (checks.hasFixedTestSet() ? SplitPolicy.DEFAULT : splits).toString();
        addIf(chosen, "splits", checks.splits());
        addIf(chosen, "dedup", checks.dedup());
        addIf(chosen, "overContext", checks.overContext());
        addIf(chosen, "epochs", checks.epochs());
        addIf(chosen, "evaluations", checks.evaluations());
        addIf(chosen, "testSet", checks.testSetDatasetId());
        String chosenDedup = checks.dedup() != null ? checks.dedup() : dedupId(dedup);
        String chosenOverContext = checks.overContext() != null ? checks.overContext()
                : overContext == null ? null : overContext.name().toLowerCase(Locale.ROOT);
        return new ReportView.ChecksView(chosenTarget.id(), modelFor(chosenTarget, checks.model()), chosenSplits, chosenDedup, chosenOverContext,
                checks.epochs() != null ? checks.epochs() : config.epochs().orElse(null), checks.evaluations() == null ? 0 : checks.evaluations(),
                checks.testSetDatasetId(), chosen);
    }

    /**
     * The model a dataset is checked for: its own, else the configured one when that model is offered for the
     * target, else the target's default model in the catalog.
     */
    private String modelFor(Target chosenTarget, String chosenModel) {
        if (chosenModel != null) {
            return chosenModel;
        }
        return catalog.find(chosenTarget.id(), config.model()).or(() -> catalog.defaultModel(chosenTarget.id()))
                .map(m -> m.id()).orElse(null);
    }

    private static <T> T parse(String field, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new CheckChoiceException(field, e.getMessage());
        }
    }

    private static OverContextPolicy overContext(String text) {
        return Arrays.stream(OverContextPolicy.values()).filter(p -> p.name().equalsIgnoreCase(text.strip())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("over-context policy must be drop, truncate or fail; got '" + text + "'"));
    }

    private static String dedupId(DedupPolicy policy) {
        return switch (policy) {
            case REPORT -> "report";
            case DROP_EXACT -> "exact";
            case DROP_NORMALIZED -> "normalized";
        };
    }

    private static void addIf(List<String> chosen, String name, Object value) {
        if (value != null) {
            chosen.add(name);
        }
    }
}
