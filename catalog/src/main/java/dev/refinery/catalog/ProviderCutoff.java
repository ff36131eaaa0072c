package dev.refinery.catalog;

import java.time.LocalDate;
import java.util.List;

/**
 * A day from which a provider stops doing something: creating fine-tuning jobs ({@code jobCutoff}) or serving a family
 * of models ({@code servingCutoffs}). Recorded as data beside the backend's prices so that whoever plans a job or an
 * evaluation reads the same dates, with where they came from.
 *
 * @param from the first UTC day on which it no longer works
 * @param modelPrefixes model names it covers, by prefix (e.g. {@code ft:gpt-4o}); empty = every model of the backend
 * @param what what stops, in words a person reads in an error message
 * @param source where the date comes from
 */
public record ProviderCutoff(LocalDate from, List<String> modelPrefixes, String what, String source) {

    public ProviderCutoff {
        modelPrefixes = List.copyOf(modelPrefixes);
    }

    /** Whether it covers this model: every model when no prefix is listed, else the models whose name starts with one. */
    public boolean covers(String model) {
        return modelPrefixes.isEmpty() || modelPrefixes.stream().anyMatch(model::startsWith);
    }

    /** The length of the longest prefix that matches (0 when it covers every model): the most specific cutoff decides. */
    public int specificity(String model) {
        return modelPrefixes.stream().filter(model::startsWith).mapToInt(String::length).max().orElse(0);
    }
}
