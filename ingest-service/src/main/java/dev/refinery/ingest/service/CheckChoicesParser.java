package dev.refinery.ingest.service;

import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.datasets.check.DedupPolicy;
import dev.refinery.datasets.split.SplitPolicy;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.ingest.repository.Dataset;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an upload's options with the validator's own parsers and the model catalog before a byte of the
 * file is stored, so a typo costs a 400 naming the field and the values allowed rather than a useless
 * validation run later. A model without a target is looked up on every backend: found on exactly one,
 * that is the target.
 */
@ApplicationScoped
public class CheckChoicesParser {

    static final String OPTION_INVALID = "CHECK_OPTION_INVALID";
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final List<String> TARGETS = Arrays.stream(Target.values()).map(Target::id).toList();
    private static final List<String> DEDUP = List.of("report", "exact", "normalized");
    private static final List<String> OVER_CONTEXT = Arrays.stream(OverContextPolicy.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList();

    private final ModelCatalog catalog = ModelCatalog.loadFromEnvironment();

    /** The options of an upload by {@code tenant}, whose own datasets are the only ones it may name (as the test set). */
    @Transactional
    public CheckChoices parse(String tenant, CheckRequest request) {
        Target target = given(request.target()) ? Target.byId(request.target()).orElseThrow(() -> invalid("target", request.target(),
                "target must be one of " + String.join(", ", TARGETS)).with("allowed", TARGETS)) : null;
        String model = null;
        if (given(request.model())) {
            CatalogModel found = target != null ? requireModel(target.id(), request.model().strip()) : findOnAnyBackend(request.model().strip());
            model = found.id();
            target = target != null ? target : Target.byId(found.backend()).orElseThrow();
        }
        SplitPolicy splits = given(request.splits()) ? parsed("splits", request.splits(), List.of("90/10", "80/10/10"), SplitPolicy::parse) : null;
        DedupPolicy dedup = given(request.dedup()) ? parsed("dedup", request.dedup(), DEDUP, DedupPolicy::parse) : null;
        OverContextPolicy overContext = given(request.overContext()) ? parsed("overContext", request.overContext(), OVER_CONTEXT,
                CheckChoicesParser::overContext) : null;
        Integer epochs = given(request.epochs()) ? whole("epochs", request.epochs(), 1) : null;
        Integer evaluations = given(request.evals()) ? whole("evals", request.evals(), 0) : null;
        CheckChoices.TestSet testSet = given(request.testSet()) ? testSet(tenant, request.testSet().strip()) : null;
        if (testSet != null && splits != null && splits.testPercent() != 0) {
            throw invalid("splits", request.splits(), "with a fixed test set the file is split into train and validation only, e.g. 90/10; got "
                    + request.splits()).with("allowed", List.of("90/10", "80/20"));
        }
        return new CheckChoices(target == null ? null : target.id(), model, splits == null ? null : splits.toString(),
                dedup == null ? null : dedupId(dedup), overContext == null ? null : overContext.name().toLowerCase(Locale.ROOT),
                epochs, evaluations, testSet);
    }

    private CatalogModel requireModel(String backend, String model) {
        try {
            return catalog.require(backend, model);
        } catch (CatalogException e) {
            throw unknownModel(e.getMessage(), e.details());
        }
    }

    /** Without a target: the backend that has the model, when exactly one has it. */
    private CatalogModel findOnAnyBackend(String model) {
        List<CatalogModel> found = new ArrayList<>();
        Set<String> near = new LinkedHashSet<>();
        for (String backend : catalog.backendIds()) {
            catalog.find(backend, model).ifPresentOrElse(found::add, () -> {
                try {
                    catalog.require(backend, model);
                } catch (CatalogException e) {
                    e.details().forEach(n -> near.add(backend + ":" + n));
                }
            });
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw unknownModel("no backend has a model '" + model + "' in catalog revision " + catalog.revision()
                    + (near.isEmpty() ? "" : "; did you mean " + String.join(", ", near) + "?"), List.copyOf(near));
        }
        List<String> backends = found.stream().map(CatalogModel::backend).toList();
        throw invalid("target", null, "model '" + model + "' is offered by " + String.join(" and ", backends) + "; say which with target=")
                .with("allowed", backends);
    }

    /** Only the tenant's own dataset: another tenant's id is refused exactly like one that does not exist. */
    private CheckChoices.TestSet testSet(String tenant, String id) {
        if (!DATASET_ID.matcher(id).matches()) {
            throw invalid("testSet", id, "testSet is the id of another dataset (ds- followed by 32 hex digits); got '" + id + "'");
        }
        Dataset test = Dataset.visibleTo(Optional.of(tenant), id).orElseThrow(() -> ApiException.badRequest("TEST_SET_NOT_FOUND",
                "there is no dataset " + id + " to use as the test set; upload it first").with("field", "testSet"));
        return new CheckChoices.TestSet(test.id, test.bucket, test.objectKey);
    }

    private static ApiException unknownModel(String message, List<String> nearMatches) {
        return ApiException.badRequest("CATALOG_MODEL_UNKNOWN", message).with("field", "model").with("nearMatches", nearMatches);
    }

    private static <T> T parsed(String field, String value, List<String> allowed, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw invalid(field, value, e.getMessage()).with("allowed", allowed);
        }
    }

    private static OverContextPolicy overContext(String text) {
        return Arrays.stream(OverContextPolicy.values()).filter(p -> p.name().equalsIgnoreCase(text.strip())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("overContext must be " + String.join(", ", OVER_CONTEXT) + "; got '" + text + "'"));
    }

    private static int whole(String field, String value, int least) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= least) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid(field, value, field + " must be a whole number of at least " + least + "; got '" + value + "'");
    }

    private static ApiException invalid(String field, String value, String message) {
        ApiException e = ApiException.badRequest(OPTION_INVALID, message).with("field", field);
        return value == null ? e : e.with("value", value);
    }

    private static String dedupId(DedupPolicy dedup) {
        return switch (dedup) {
            case REPORT -> "report";
            case DROP_EXACT -> "exact";
            case DROP_NORMALIZED -> "normalized";
        };
    }

    private static boolean given(String value) {
        return value != null && !value.isBlank();
    }
}
