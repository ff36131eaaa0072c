package dev.refinery.catalog.cost;

import dev.refinery.catalog.CatalogErrorCode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * OpenAI (providers.md §2.4): without epochs, a default from the example count; each example is billed at most
 * the context length, every epoch; validation tokens are not billed.
 */
final class OpenAiBilling implements BillingRule {

    static final int TARGET_EPOCHS = 3;
    static final int MIN_TARGET_EXAMPLES = 100;
    static final int MAX_TARGET_EXAMPLES = 25_000;
    static final int MAX_DEFAULT_EPOCHS = 25;

    /** OpenAI's default epochs for {@code examples} training examples (the cookbook's rule). */
    static int defaultEpochs(long examples) {
        if (examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) {
            return (int) Math.min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES / examples);
        }
        if (examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) {
            return (int) Math.max(1, MAX_TARGET_EXAMPLES / examples);
        }
        return TARGET_EPOCHS;
    }

    @Override
    public Billing bill(CostRequest request, CatalogModel model) {
        DatasetTokens training = request.training();
        if (training.examples() == 0) {
            throw new CatalogException(CatalogErrorCode.COST_INPUT_INVALID, "the training file has no examples");
        }
        List<String> assumptions = new ArrayList<>();
        int epochs;
        if (request.epochs() == null) {
            epochs = defaultEpochs(training.examples());
            assumptions.add("epochs not given: OpenAI's default for " + training.examples() + " examples is " + epochs
                    + " (providers.md §2.4)");
        } else {
            epochs = request.epochs();
        }
        BilledTokens perEpoch = perEpoch(training, model, request, assumptions);
        if (request.validation() != null) {
            assumptions.add("validation tokens are not billed (OpenAI bills trained_tokens only)");
        }
        return new Billing(perEpoch.times(epochs), epochs, assumptions);
    }

    private static BilledTokens perEpoch(DatasetTokens training, CatalogModel model, CostRequest request,
                                         List<String> assumptions) {
        OptionalInt context = model.contextLength().forMethod(request.method());
        if (context.isEmpty()) {
            assumptions.add("the catalog does not know " + model.id() + "'s context: examples are not capped");
            return BilledTokens.within(training.tokens(), training.accuracy());
        }
        if (!training.hasPerExampleTokens()) {
            assumptions.add("no per-example counts: the " + context.getAsInt() + "-token cap per example was not "
                    + "applied, so examples longer than that are overcounted");
            return BilledTokens.within(training.tokens(), training.accuracy());
        }
        int cap = context.getAsInt();
        long capped = training.tokensCappedAt(cap);
        if (capped < training.tokens()) {
            assumptions.add("examples longer than " + cap + " tokens are billed as " + cap
                    + " (OpenAI truncates them)");
        }
        return BilledTokens.within(capped, training.accuracy())
                .cappedAt(Math.multiplyExact(training.examples(), (long) cap));
    }
}
