package dev.refinery.datasets.check;

import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.TokenCounter;
import dev.refinery.datasets.tokens.ModelsFolder;
import dev.refinery.datasets.tokens.TokenCounters;
import dev.refinery.datasets.tokens.TokenStats;
import dev.refinery.datasets.tokens.TokenizerUnavailableException;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * A target model looked up in the catalog, with what a check needs of it: its tokenizer (loaded once,
 * or an estimate labelled as one when the tokenizer is not available here) and its SFT context length.
 */
public record ModelChoice(CatalogModel model, TokenCounter tokens, int contextLength, String tokenizerNote) {

    /** Looks the model up for the target's backend; a CatalogException (CATALOG_MODEL_UNKNOWN, with near matches) if it is not there. */
    public static ModelChoice resolve(ModelCatalog catalog, Target target, String modelId, Path modelsDir) {
        return of(catalog.require(target.id(), modelId), spec -> TokenCounters.forSpec(spec, modelsDir));
    }

    /**
     * The choice of a catalog model whose tokenizer {@code counters} opens from its spec; a tokenizer that is
     * not available here gives an estimate, and the note says why.
     */
    static ModelChoice of(CatalogModel model, Function<String, TokenCounter> counters) {
        String spec = model.tokenizer().toString();
        TokenCounter counter;
        String note = null;
        try {
            counter = counters.apply(spec);
        } catch (TokenizerUnavailableException e) {
            counter = TokenCounters.estimate(model.id());
            note = "tokenizer " + spec + " is not available here (" + e.getMessage() + "); counts are an estimate";
        }
        int context = model.contextLength().forMethod(TrainingMethod.SFT).orElse(TokenStats.NO_CONTEXT_LIMIT);
        return new ModelChoice(model, counter, context, note);
    }

    /** What a verdict needs of this choice. */
    public TargetModel asTargetModel() {
        return new TargetModel(model.id(), tokens, contextLength);
    }

    /** The models folder for engine:FOLDER tokenizers, as {@link ModelsFolder} finds it. */
    public static Path defaultModelsDir() {
        return ModelsFolder.find().path();
    }
}
