package dev.refinery.engine.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The official SQuAD evaluation scripts (evaluate-v1.1.py, evaluate-v2.0.py) ship no test vectors, so these cases are
 * worked by hand from the scripts' definitions ({@code normalize_answer}, {@code compute_exact}, {@code compute_f1});
 * each comment shows the working.
 */
class SquadMetricsTest {

    @Test
    void normalizationFollowsTheScriptsOrder() {
        // lower -> "the cat's hat!"; drop punctuation -> "the cats hat"; articles -> " cats hat"; spaces -> "cats hat"
        assertEquals("cats hat", SquadNormalization.normalize("The Cat's hat!"));
        // punctuation is deleted, not spaced: "U.S.-based" -> "usbased"
        assertEquals("usbased firm", SquadNormalization.normalize("  a U.S.-based\tfirm "));
        // "a" and "an" only as whole words: "another" and "banana" keep theirs
        assertEquals("another banana", SquadNormalization.normalize("An another banana"));
    }

    @Test
    void exactMatchIgnoresCaseArticlesPunctuationAndSpacing() {
        assertEquals(1.0, ExactMatch.score("Denver Broncos", "the Denver  Broncos."));
        assertEquals(0.0, ExactMatch.score("Denver Broncos", "Broncos"));
        // several references: the best (SQuAD's metric_max_over_ground_truths)
        assertEquals(1.0, ExactMatch.best(List.of("Super Bowl L", "L"), "l"));
        assertEquals(0.0, ExactMatch.best(List.of(), "l"));
    }

    @Test
    void tokenF1IsTheBagOfTokensOverlap() {
        // ref "the cat sat on the mat" -> [cat, sat, on, mat]; pred "A cat on a mat today." -> [cat, on, mat, today]
        // overlap 3: P = 3/4, R = 3/4, F1 = 0.75
        TokenF1.Score s = TokenF1.of("the cat sat on the mat", "A cat on a mat today.");
        assertEquals(0.75, s.precision(), 1e-12);
        assertEquals(0.75, s.recall(), 1e-12);
        assertEquals(0.75, s.f1(), 1e-12);
        // bags, not sets: ref [red, red, ball], pred [red, ball, ball] -> overlap min(2,1)+min(1,2) = 2, P = R = 2/3
        assertEquals(2.0 / 3, TokenF1.score("red red ball", "red ball ball"), 1e-12);
        // P = 1/1, R = 1/3 -> F1 = 2 * (1/3) / (4/3) = 0.5
        assertEquals(0.5, TokenF1.score("Super Bowl L", "L"), 1e-12);
        assertEquals(1.0, TokenF1.best(List.of("Super Bowl L", "L"), "L"), 1e-12);
        assertEquals(0.0, TokenF1.score("red ball", "blue kite"));
    }

    @Test
    void emptyAnswersFollowSquadV2() {
        // compute_f1 v2.0: if either is empty, int(gold_toks == pred_toks); "the" normalises to nothing
        assertEquals(1.0, TokenF1.score("", "The"));
        assertEquals(0.0, TokenF1.score("", "Paris"));
        assertEquals(0.0, TokenF1.score("Paris", ""));
        assertEquals(1.0, ExactMatch.score("", "a"));
    }
}
