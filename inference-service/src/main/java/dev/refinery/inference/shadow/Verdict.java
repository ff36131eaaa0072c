package dev.refinery.inference.shadow;

/** A shadow pair's outcome for the challenger. */
public enum Verdict {
    WIN, LOSS, TIE,
    /** The judge said neither A nor B, or one of the models could not be asked: not a judged pair. */
    UNCLEAR
}
