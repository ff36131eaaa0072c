package dev.refinery.datasets.check;

import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.TokenCounter;
import dev.refinery.datasets.tokens.TokenCounters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every target's model for a check: the one chosen for the target checked (or its catalog default), and the
 * catalog's default model of every other target, so that each verdict is measured against its own model's
 * context and tokenizer. Tokenizers are opened once per spec and shared by every model, target and check
 * that names it (a service keeps one of these for its lifetime). Thread-safe.
 */
public final class TargetModels {

    private final ModelCatalog catalog;
    private final Path modelsDir;
    private final Map<String, TokenCounter> countersBySpec = new ConcurrentHashMap<>();
    private final Map<String, ModelChoice> choices = new ConcurrentHashMap<>();

    public TargetModels(ModelCatalog catalog, Path modelsDir) {
        this.catalog = catalog;
        this.modelsDir = modelsDir;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /**
     * The model named for a target, or the target's catalog default when {@code modelId} is null; null when
     * the catalog has no model for the target. A CatalogException when the named model is not in the catalog.
     */
    public ModelChoice resolve(Target target, String modelId) {
        CatalogModel model = modelId == null ? catalog.defaultModel(target.id()).orElse(null) : catalog.require(target.id(), modelId);
        if (model == null) {
            return null;
        }
        return choices.computeIfAbsent(target.id() + "\n" + model.id(),
                key -> ModelChoice.of(model, spec -> countersBySpec.computeIfAbsent(spec, s -> TokenCounters.forSpec(s, modelsDir))));
    }

    /**
     * Sets the options' target, its model ({@code modelId}, or its default) with pricing, and every other
     * target's default model. Returns the notes of tokenizers that fell back to an estimate, for the user.
     */
    public List<String> apply(CheckOptions.Builder options, Target target, String modelId, Integer epochs, int evaluations) {
        List<String> notes = new ArrayList<>();
        options.target(target);
        ModelChoice chosen = resolve(target, modelId);
        if (chosen != null) {
            options.model(chosen).pricing(catalog, epochs, evaluations);
            addNote(notes, target, chosen);
        }
        for (Target other : Target.ALL) {
            ModelChoice model = other == target ? null : resolve(other, null);
            if (model != null) {
                options.otherTargetModel(other, model.asTargetModel());
                addNote(notes, other, model);
            }
        }
        return notes;
    }

    private static void addNote(List<String> notes, Target target, ModelChoice choice) {
        if (choice.tokenizerNote() != null) {
            notes.add(target.id() + " (" + choice.model().id() + "): " + choice.tokenizerNote());
        }
    }
}
