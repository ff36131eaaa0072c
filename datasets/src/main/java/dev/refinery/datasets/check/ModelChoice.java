package dev.refinery.datasets.check;

import dev.refinery.catalog.CatalogModel;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.TokenCounter;
import dev.refinery.datasets.tokens.TokenCounters;
import dev.refinery.datasets.tokens.TokenizerUnavailableException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A target model looked up in the catalog, with what a check needs of it: its tokenizer (loaded once,
 * or an estimate labelled as one when the tokenizer is not available here) and its SFT context length.
 */
public record ModelChoice(CatalogModel model, TokenCounter tokens, int contextLength, String tokenizerNote) {

    /** Looks the model up for the target's backend; a CatalogException (CATALOG_MODEL_UNKNOWN, with near matches) if it is not there. */
    public static ModelChoice resolve(ModelCatalog catalog, Target target, String modelId, Path modelsDir) {
        CatalogModel model = catalog.require(target.id(), modelId);
        String spec = model.tokenizer().toString();
        TokenCounter counter;
        String note = null;
        try {
            counter = TokenCounters.forSpec(spec, modelsDir);
        } catch (TokenizerUnavailableException e) {
            counter = TokenCounters.estimate(model.id());
            note = "tokenizer " + spec + " is not available here (" + e.getMessage() + "); counts are an estimate";
        }
        int context = model.contextLength().forMethod(TrainingMethod.SFT).orElse(Integer.MAX_VALUE);
        return new ModelChoice(model, counter, context, note);
    }

    /** The nearest models/ folder above the working directory (the repository's), for engine:FOLDER tokenizers. */
    public static Path defaultModelsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("models"))) {
                return dir.resolve("models");
            }
        }
        return Path.of("models");
    }
}
