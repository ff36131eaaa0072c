package dev.refinery.catalog.cost;

import dev.refinery.catalog.CatalogBackend;
import dev.refinery.catalog.CatalogErrorCode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.catalog.Price;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Prices a planned job from the catalog: the backend's billing formula gives billed tokens (a range when the
 * counts are estimates), the catalog gives the rate for the model, training type and method.
 *
 * <p>Exact counts are not widened: a count is exact only when it was made on what the provider trains on
 * (pre-tokenized Parquet, or the real tokenizer with the real chat template); a counter that used anything else
 * must report an estimate with its bound. Packing off is not a widening either: it changes what is billed.
 */
public final class CostEstimator {

    private static final int TOKENS_PER_PRICE_UNIT_DIGITS = 6; // prices are per million tokens

    private final ModelCatalog catalog;

    public CostEstimator(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public CostEstimate estimate(CostRequest request) {
        checkInput(request);
        CatalogBackend backend = catalog.backend(request.backend());
        CatalogModel model = catalog.require(request.backend(), request.model());
        checkSupported(model, request.trainingType(), request.method());

        Billing billing = BillingRule.of(backend.billing()).bill(request, model);
        List<String> assumptions = new ArrayList<>();
        assumptions.add("training " + request.training().accuracy().describe());
        if (request.validation() != null && request.evaluations() > 0) {
            assumptions.add("validation " + request.validation().accuracy().describe());
        }
        assumptions.addAll(billing.assumptions());
        if (request.method() == TrainingMethod.DPO) {
            assumptions.add("DPO tokens are taken as counted (whether chosen and rejected outputs both count is "
                    + "the counter's decision)");
        }

        Optional<Price> price = model.price(request.trainingType(), request.method());
        if (price.isEmpty() || !price.get().known()) {
            String why = price.map(Price::source).orElse("the catalog has no " + request.trainingType().wireName()
                    + "/" + request.method().wireName() + " price for this model");
            return new CostEstimate(backend.id(), model.id(), request.trainingType().wireName(),
                    request.method().wireName(), billing.epochs(), null, null, null, catalog.currency(),
                    billing.tokens(), null, why, catalog.revision(), assumptions);
        }
        BigDecimal rate = price.get().usdPerMillionTokens();
        BilledTokens tokens = billing.tokens();
        return new CostEstimate(backend.id(), model.id(), request.trainingType().wireName(),
                request.method().wireName(), billing.epochs(), cost(tokens.low(), rate), cost(tokens.expected(), rate),
                cost(tokens.high(), rate), catalog.currency(), tokens, rate,
                price.get().source() + " (as of " + price.get().asOf() + ")", catalog.revision(), assumptions);
    }

    /** Exact: tokens x rate / 10^6 loses nothing in BigDecimal; rounding is left to display. */
    private static BigDecimal cost(long tokens, BigDecimal ratePerMillion) {
        return BigDecimal.valueOf(tokens).multiply(ratePerMillion).movePointLeft(TOKENS_PER_PRICE_UNIT_DIGITS);
    }

    private static void checkInput(CostRequest request) {
        List<String> problems = new ArrayList<>();
        if (request.training() == null) {
            problems.add("training token counts are required");
        }
        if (request.trainingType() == null || request.method() == null) {
            problems.add("training type and method are required");
        }
        if (request.epochs() != null && request.epochs() < 1) {
            problems.add("epochs must be at least 1, was " + request.epochs());
        }
        if (request.evaluations() < 0) {
            problems.add("evaluations must not be negative, was " + request.evaluations());
        }
        if (request.evaluations() > 0 && request.validation() == null) {
            problems.add(request.evaluations() + " evaluation(s) requested but no validation token counts given");
        }
        if (request.maxSeqLength() != null && request.maxSeqLength() < 1) {
            problems.add("max_seq_length must be positive, was " + request.maxSeqLength());
        }
        if (!problems.isEmpty()) {
            throw new CatalogException(CatalogErrorCode.COST_INPUT_INVALID,
                    "cannot estimate this job: " + String.join("; ", problems), problems);
        }
    }

    private static void checkSupported(CatalogModel model, TrainingType type, TrainingMethod method) {
        if (!model.supports(method)) {
            throw new CatalogException(CatalogErrorCode.CATALOG_METHOD_UNSUPPORTED, model.id() + " on "
                    + model.backend() + " does not train with " + method.wireName() + "; it supports "
                    + names(model.methods().stream().map(TrainingMethod::wireName).toList()));
        }
        if (!model.supports(type)) {
            throw new CatalogException(CatalogErrorCode.CATALOG_TRAINING_TYPE_UNSUPPORTED, model.id() + " on "
                    + model.backend() + " does not offer " + type.wireName() + " training; it offers "
                    + names(model.trainingTypes().stream().map(TrainingType::wireName).toList()));
        }
    }

    private static String names(List<String> names) {
        return names.stream().sorted().collect(Collectors.joining(", "));
    }
}
