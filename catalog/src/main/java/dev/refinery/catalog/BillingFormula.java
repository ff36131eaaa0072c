package dev.refinery.catalog;

import java.util.Arrays;
import java.util.Optional;

/** How a backend turns dataset tokens into billed tokens; named in the catalog so a new backend needs no code. */
public enum BillingFormula {
    /** Together: epochs x training tokens + evaluations x validation tokens (providers.md §1.7). */
    EPOCHS_PLUS_EVALUATIONS("epochs-plus-evaluations"),
    /** OpenAI: default epochs from the example count, tokens per example capped at the context (§2.4). */
    OPENAI_DEFAULT_EPOCHS("openai-default-epochs"),
    /** Fireworks: dataset tokens x epochs (§3.5). */
    DATASET_TIMES_EPOCHS("dataset-times-epochs");

    private final String wireName;

    BillingFormula(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<BillingFormula> fromWireName(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName.equals(name)).findFirst();
    }
}
