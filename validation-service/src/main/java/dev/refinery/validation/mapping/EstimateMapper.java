package dev.refinery.validation.mapping;

import dev.refinery.catalog.cost.CostEstimate;
import dev.refinery.catalog.cost.DatasetTokens;
import dev.refinery.validation.rest.EstimateView;
import dev.refinery.validation.service.EstimateService;

/** The catalog's estimate to the API's view. */
public final class EstimateMapper {

    private EstimateMapper() {
    }

    public static EstimateView toView(EstimateService.Estimate estimate) {
        CostEstimate c = estimate.cost();
        EstimateService.TokenSource t = estimate.tokens();
        return new EstimateView(c.priced(), c.summary(), c.priced() ? null : c.priceSource(), c.backend(), c.model(), c.trainingType(),
                c.method(), c.epochs(), c.currency(), c.lowForDisplay(), c.expectedForDisplay(), c.highForDisplay(),
                c.priced() ? new EstimateView.Amounts(c.low(), c.expected(), c.high()) : null,
                new EstimateView.BilledTokensView(c.billedTokens().low(), c.billedTokens().expected(), c.billedTokens().high()),
                c.pricePerMillion(), c.priceSource(), c.catalogRevision(), c.assumptions(),
                new EstimateView.TokensView(t.source(), t.datasetId(), count(t.training()), count(t.validation()), t.notes()));
    }

    private static EstimateView.CountView count(DatasetTokens tokens) {
        return tokens == null ? null : new EstimateView.CountView(tokens.examples(), tokens.tokens(), tokens.accuracy().exact(),
                tokens.accuracy().relativeError(), tokens.accuracy().basis());
    }
}
