package dev.refinery.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One trainable model on one backend. {@code prices} is already resolved: the model's own entries, then its
 * parameter bracket's, then prices derived by the backend's DPO rule, so callers never repeat that lookup.
 *
 * @param parameters       parameter count as published ("8B", "235B total, 22B active")
 * @param parameterBracket the backend's price bracket label, or null where the backend prices per model
 */
public record CatalogModel(String backend, String id, List<String> aliases, String displayName, String parameters,
                           String parameterBracket, ContextLengths contextLength, Set<TrainingMethod> methods,
                           Set<TrainingType> trainingTypes, LoraLimits lora, TokenizerSpec tokenizer,
                           List<Price> prices, List<String> notes) {

    public CatalogModel {
        aliases = List.copyOf(aliases);
        methods = Set.copyOf(methods);
        trainingTypes = Set.copyOf(trainingTypes);
        prices = List.copyOf(prices);
        notes = List.copyOf(notes);
    }

    /** Whether {@code name} is this model's id or one of its aliases; case does not matter, people type these. */
    public boolean answersTo(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return id.toLowerCase(Locale.ROOT).equals(wanted)
                || aliases.stream().anyMatch(a -> a.toLowerCase(Locale.ROOT).equals(wanted));
    }

    /** The catalog entry for a type and method: present but unknown when the catalog says "no price". */
    public Optional<Price> price(TrainingType type, TrainingMethod method) {
        return prices.stream().filter(p -> p.covers(type, method)).findFirst();
    }

    public Optional<LoraLimits> loraLimits() {
        return Optional.ofNullable(lora);
    }

    public boolean supports(TrainingMethod method) {
        return methods.contains(method);
    }

    public boolean supports(TrainingType type) {
        return trainingTypes.contains(type);
    }
}
