package dev.refinery.providers.spi;

/**
 * A provider status mapped to the canonical state. {@code recognised} is false when the provider sent a status
 * this library does not know (together-python #246 crashed on exactly that): the state is then a safe,
 * non-terminal guess and {@code note} says which, so nobody declares a job finished on a word we cannot read.
 */
public record StateMapping(JobState state, boolean recognised, String note) {

    public static StateMapping known(JobState state) {
        return new StateMapping(state, true, null);
    }

    public static StateMapping unknown(String raw, JobState safeGuess) {
        return new StateMapping(safeGuess, false,
                "unknown provider status '" + raw + "' treated as " + safeGuess + " (non-terminal) until it changes");
    }
}
