package dev.refinery.eval.inference;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The days after which a provider stops serving a family of models, checked before any call so that an evaluation of
 * a retired model fails at once with a date instead of a stream of 404s.
 *
 * <p>The data lives here, in one place, rather than in the catalog module: eval-service does not depend on the
 * catalog, and the catalog's backend entries describe training prices, not serving. Moving it there (as
 * {@code backends.openai.servingCutoffs}) is a change to {@link #KNOWN} only.
 */
public final class ServingCutoffs {

    /**
     * One cutoff: models of {@code provider} whose name starts with one of {@code modelPrefixes} are no longer served
     * from the UTC day {@code from} on.
     */
    public record Cutoff(ProviderKind provider, List<String> modelPrefixes, LocalDate from, String what, String source) {

        public Cutoff {
            modelPrefixes = List.copyOf(modelPrefixes);
        }

        boolean covers(Endpoint endpoint) {
            return endpoint.kind() == provider && modelPrefixes.stream().anyMatch(endpoint.model()::startsWith);
        }
    }

    /** What we know (providers.md §0 and §6, notice of 2026-10-14). */
    public static final List<Cutoff> KNOWN = List.of(
            new Cutoff(ProviderKind.OPENAI, List.of("ft:gpt-4o-mini", "ft:gpt-4o", "ft:gpt-4.1-mini", "ft:gpt-4.1"),
                    LocalDate.of(2027, 1, 14),
                    "OpenAI stops serving fine-tunes of gpt-4o, gpt-4o-mini, gpt-4.1 and gpt-4.1-mini",
                    "providers.md §0 and §6 (OpenAI deprecation notice of 2026-10-14, as reported by the tunekeep README)"),
            new Cutoff(ProviderKind.OPENAI, List.of("ft:gpt-4.1-nano", "ft:o4-mini"),
                    LocalDate.of(2026, 10, 23),
                    "OpenAI retired gpt-4.1-nano and o4-mini, their fine-tunes included",
                    "providers.md §0"));

    private final List<Cutoff> cutoffs;
    private final Clock clock;

    public ServingCutoffs(List<Cutoff> cutoffs, Clock clock) {
        this.cutoffs = List.copyOf(cutoffs);
        this.clock = clock;
    }

    public static ServingCutoffs known(Clock clock) {
        return new ServingCutoffs(KNOWN, clock);
    }

    /** The cutoff that has passed for this endpoint's model, if one has (dates are UTC days). */
    public Optional<Cutoff> passed(Endpoint endpoint) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        // The most specific prefix decides: "ft:gpt-4.1-nano" is not a "ft:gpt-4.1" model.
        return cutoffs.stream().filter(cutoff -> cutoff.covers(endpoint))
                .max(java.util.Comparator.comparingInt(cutoff -> cutoff.modelPrefixes().stream()
                        .filter(endpoint.model()::startsWith).mapToInt(String::length).max().orElse(0)))
                .filter(cutoff -> !today.isBefore(cutoff.from()));
    }
}
