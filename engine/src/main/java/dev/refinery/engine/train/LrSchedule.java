package dev.refinery.engine.train;

/**
 * Learning rate per optimizer step: linear warmup from 0 to the peak, then linear or cosine decay to
 * {@code minLrRatio * peak} (Together's lr_scheduler semantics), or constant.
 */
public final class LrSchedule {

    /** Shape of the decay after warmup. */
    public enum Kind { LINEAR, COSINE, CONSTANT }

    private final Kind kind;
    private final double peak;
    private final int totalSteps;
    private final int warmupSteps;
    private final double minRatio;
    private final double numCycles;

    public LrSchedule(Kind kind, double peak, int totalSteps, double warmupRatio, double minRatio, double numCycles) {
        this.kind = kind;
        this.peak = peak;
        this.totalSteps = Math.max(1, totalSteps);
        this.warmupSteps = (int) Math.round(warmupRatio * this.totalSteps);
        this.minRatio = minRatio;
        this.numCycles = numCycles;
    }

    public static LrSchedule of(TrainingConfig c, int totalSteps) {
        return new LrSchedule(c.schedule(), c.learningRate(), totalSteps, c.warmupRatio(), c.minLrRatio(), c.numCycles());
    }

    public int warmupSteps() {
        return warmupSteps;
    }

    /** Rate for 1-based step number {@code step}. */
    public double at(int step) {
        if (step <= warmupSteps && warmupSteps > 0) {
            return peak * step / warmupSteps;
        }
        if (kind == Kind.CONSTANT) {
            return peak;
        }
        int decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        double factor = kind == Kind.LINEAR
                ? 1.0 - progress
                : 0.5 * (1.0 + Math.cos(Math.PI * 2.0 * numCycles * progress));
        return peak * (minRatio + (1.0 - minRatio) * factor);
    }
}
