package dev.refinery.eval.inference;

import dev.refinery.catalog.CatalogBackend;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.catalog.ProviderCutoff;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The days from which a provider no longer serves a family of models, checked before any call so that an evaluation
 * of a retired model fails at once, naming the date, instead of after a stream of 404s. The dates are the catalog's
 * ({@code servingCutoffs} of each backend in {@code models.v1.json}, each with its source), not constants here.
 */
public final class ServingCutoffs {

    private final Map<ProviderKind, CatalogBackend> byProvider;
    private final Clock clock;

    private ServingCutoffs(Map<ProviderKind, CatalogBackend> byProvider, Clock clock) {
        this.byProvider = byProvider;
        this.clock = clock;
    }

    /** The cutoffs of the catalog's together, fireworks and openai backends; an OpenAI-compatible server has none. */
    public static ServingCutoffs from(ModelCatalog catalog, Clock clock) {
        Map<ProviderKind, CatalogBackend> byProvider = new EnumMap<>(ProviderKind.class);
        for (ProviderKind kind : ProviderKind.values()) {
            if (catalog.backendIds().contains(kind.wireName())) {
                byProvider.put(kind, catalog.backend(kind.wireName()));
            }
        }
        return new ServingCutoffs(byProvider, clock);
    }

    /** The cutoff that has passed for this endpoint's model, if one has (days are UTC). */
    public Optional<ProviderCutoff> passed(Endpoint endpoint) {
        CatalogBackend backend = byProvider.get(endpoint.kind());
        return backend == null ? Optional.empty()
                : backend.servingEnded(endpoint.model(), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }
}
