package dev.refinery.catalog;

import java.util.List;

/**
 * A place that trains models ({@code together}, {@code fireworks}, {@code openai}, {@code local}) and the billing
 * formula its tokens follow. {@code defaultModel} is the model a dataset is measured against for this backend when
 * nobody names one (its context and tokenizer); null only for a backend without models.
 */
public record CatalogBackend(String id, String displayName, BillingFormula billing, List<String> notes,
                             List<CatalogModel> models, CatalogModel defaultModel) {

    public CatalogBackend {
        notes = List.copyOf(notes);
        models = List.copyOf(models);
    }
}
