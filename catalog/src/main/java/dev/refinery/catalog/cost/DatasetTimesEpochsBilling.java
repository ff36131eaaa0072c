package dev.refinery.catalog.cost;

import dev.refinery.catalog.CatalogErrorCode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;

import java.util.ArrayList;
import java.util.List;

/** Fireworks (providers.md §3.5): dataset tokens x epochs. */
final class DatasetTimesEpochsBilling implements BillingRule {

    @Override
    public Billing bill(CostRequest request, CatalogModel model) {
        if (request.epochs() == null) {
            // The server picks the default and our sources do not say what it is; guessing would hide a 2-3x error.
            throw new CatalogException(CatalogErrorCode.COST_INPUT_INVALID, "give the number of epochs: "
                    + model.backend() + "'s default is set server-side and not documented in our sources");
        }
        List<String> assumptions = new ArrayList<>();
        if (request.validation() != null && request.evaluations() > 0) {
            assumptions.add("evaluation-dataset tokens are not billed here (only dataset tokens x epochs are "
                    + "documented, providers.md §3.5; unverified)");
        }
        BilledTokens tokens = BilledTokens.within(request.training().tokens(), request.training().accuracy())
                .times(request.epochs());
        return new Billing(tokens, request.epochs(), assumptions);
    }
}
