package dev.refinery.providers.kubernetes;

/**
 * The trainer's latest progress line: what {@code ProviderJob} has no field for yet (loss, throughput, ETA).
 * Any value the trainer did not report is null (the ETA is absent after the first step, which pays for warm-up).
 */
public record TrainerProgress(
        long step,
        Long totalSteps,
        Double epoch,
        Double loss,
        Double learningRate,
        Long tokens,
        Double tokensPerSecond,
        Double etaSeconds) {

    /** "step 12/40 · loss 1.234 · 2,345 tokens/s · ETA 1m20s", for an event message. */
    public String describe() {
        StringBuilder s = new StringBuilder("step ").append(step);
        if (totalSteps != null) {
            s.append('/').append(totalSteps);
        }
        if (loss != null) {
            s.append(String.format(java.util.Locale.ROOT, " · loss %.4f", loss));
        }
        if (tokensPerSecond != null) {
            s.append(String.format(java.util.Locale.ROOT, " · %,.0f tokens/s", tokensPerSecond));
        }
        if (etaSeconds != null) {
            long seconds = Math.round(etaSeconds);
            s.append(" · ETA ").append(seconds >= 60 ? seconds / 60 + "m" + seconds % 60 + "s" : seconds + "s");
        }
        return s.toString();
    }
}
