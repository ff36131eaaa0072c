package dev.refinery.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A place that trains models ({@code together}, {@code fireworks}, {@code openai}, {@code local}) and the billing
 * formula its tokens follow. {@code defaultModel} is the model a dataset is measured against for this backend when
 * nobody names one (its context and tokenizer); null only for a backend without models. {@code jobCutoff} is the day
 * the backend stops creating fine-tuning jobs, if one is announced; {@code servingCutoffs} the days it stops serving
 * families of models.
 */
public record CatalogBackend(String id, String displayName, BillingFormula billing, List<String> notes,
                             List<CatalogModel> models, CatalogModel defaultModel, Optional<ProviderCutoff> jobCutoff,
                             List<ProviderCutoff> servingCutoffs) {

    public CatalogBackend {
        notes = List.copyOf(notes);
        models = List.copyOf(models);
        jobCutoff = jobCutoff == null ? Optional.empty() : jobCutoff;
        servingCutoffs = servingCutoffs == null ? List.of() : List.copyOf(servingCutoffs);
    }

    /**
     * The serving cutoff that has passed for {@code model} on {@code day}, if one has. The most specific prefix decides: an
     * {@code ft:gpt-4.1-nano} model is not one of the {@code ft:gpt-4.1} family.
     */
    public Optional<ProviderCutoff> servingEnded(String model, java.time.LocalDate day) {
        return servingCutoffs.stream().filter(cutoff -> cutoff.covers(model))
                .max(java.util.Comparator.comparingInt(cutoff -> cutoff.specificity(model)))
                .filter(cutoff -> !day.isBefore(cutoff.from()));
    }

    /** A backend with no announced cutoff. */
    public CatalogBackend(String id, String displayName, BillingFormula billing, List<String> notes,
                          List<CatalogModel> models, CatalogModel defaultModel) {
        this(id, displayName, billing, notes, models, defaultModel, Optional.empty(), List.of());
    }
}
