package dev.refinery.catalog.cost;

import dev.refinery.catalog.BillingFormula;
import dev.refinery.catalog.CatalogModel;

/** Turns a request's token counts into billed tokens the way one provider does. */
interface BillingRule {

    Billing bill(CostRequest request, CatalogModel model);

    static BillingRule of(BillingFormula formula) {
        return switch (formula) {
            case EPOCHS_PLUS_EVALUATIONS -> new EpochsPlusEvaluationsBilling();
            case OPENAI_DEFAULT_EPOCHS -> new OpenAiBilling();
            case DATASET_TIMES_EPOCHS -> new DatasetTimesEpochsBilling();
        };
    }
}
