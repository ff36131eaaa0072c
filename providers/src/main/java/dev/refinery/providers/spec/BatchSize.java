package dev.refinery.providers.spec;

/**
 * A batch size: a number of examples, or "max" (the largest the provider allows for the model, Together's
 * default). A union because that is what the providers take.
 */
public record BatchSize(Integer examples) {

    public static final BatchSize MAX = new BatchSize(null);

    public BatchSize {
        if (examples != null && examples < 1) {
            throw new SpecException("SPEC_VALUE_OUT_OF_RANGE", "batchSize", "batch size must be at least 1, got " + examples);
        }
    }

    public static BatchSize of(int examples) {
        return new BatchSize(examples);
    }

    public boolean isMax() {
        return examples == null;
    }

    @Override
    public String toString() {
        return isMax() ? "max" : examples.toString();
    }
}
