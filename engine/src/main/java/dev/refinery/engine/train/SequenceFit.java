package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;

import java.util.Arrays;

/** Applies the run's overflow policy to sequences longer than its maximum length, counting what it drops or cuts. */
final class SequenceFit {

    private final int maxSeqLen;
    private final TrainingConfig.Overflow overflow;
    private int dropped;
    private int truncated;

    SequenceFit(int maxSeqLen, TrainingConfig.Overflow overflow) {
        this.maxSeqLen = maxSeqLen;
        this.overflow = overflow;
    }

    /**
     * The sequences of one item (an example, or a pair's two answers) fitted to the limit, or null when the item is
     * dropped. {@code what} names the item in the error of the FAIL policy (e.g. "training example 12").
     */
    TrainingExample[] fit(String what, TrainingExample... sequences) {
        boolean tooLong = false;
        for (TrainingExample e : sequences) {
            if (e.length() > maxSeqLen) {
                tooLong = true;
                if (overflow == TrainingConfig.Overflow.FAIL) {
                    throw new EngineException.ContextTooLong(what + " has " + e.length() + " tokens, " + (e.length() - maxSeqLen)
                            + " more than the limit of " + maxSeqLen + " (choose overflow=truncate or drop to continue)");
                }
            }
        }
        if (!tooLong) {
            return sequences;
        }
        if (overflow == TrainingConfig.Overflow.DROP) {
            dropped++;
            return null;
        }
        truncated++;
        TrainingExample[] out = new TrainingExample[sequences.length];
        for (int i = 0; i < sequences.length; i++) {
            TrainingExample e = sequences[i];
            out[i] = e.length() <= maxSeqLen ? e
                    : new TrainingExample(Arrays.copyOf(e.ids(), maxSeqLen), Arrays.copyOf(e.lossMask(), maxSeqLen));
        }
        return out;
    }

    /** Whether a token after the first is a target: the first token is never predicted. */
    static boolean hasTarget(TrainingExample e) {
        for (int i = 1; i < e.length(); i++) {
            if (e.lossMask()[i]) {
                return true;
            }
        }
        return false;
    }

    int dropped() {
        return dropped;
    }

    int truncated() {
        return truncated;
    }
}
