package dev.refinery.catalog;

import java.util.List;

/**
 * A place that trains models ({@code together}, {@code fireworks}, {@code openai}, {@code local}) and the billing
 * formula its tokens follow.
 */
public record CatalogBackend(String id, String displayName, BillingFormula billing, List<String> notes,
                             List<CatalogModel> models) {

    public CatalogBackend {
        notes = List.copyOf(notes);
        models = List.copyOf(models);
    }
}
