package dev.refinery.engine;

import dev.refinery.engine.generate.GenerationOptions;
import dev.refinery.engine.testing.TestModels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stories260K on plain text, outside any chat template: what its pretraining looked like, and how it goes on. */
class PlainTextTest {

    private static final String STORY = "Once upon a time, there was a little girl named Lily. She liked to play in the park with her dog.";

    @Test
    void aStoryIsLikelierThanTheSameWordsShuffledAndEveryTokenAfterBosIsScored() {
        LanguageModel model = LanguageModel.load(TestModels.stories260kDir());
        LanguageModel.Score story = model.scoreText(STORY);
        LanguageModel.Score shuffled = model.scoreText("park dog the a Lily little upon. her with She there girl Once time, to in play named liked was");
        assertEquals(model.tokenizer().encode(STORY).length, story.tokens(), "every token of the text, none for BOS");
        assertTrue(story.meanNegativeLogLikelihood() < shuffled.meanNegativeLogLikelihood() - 1.0,
                story.meanNegativeLogLikelihood() + " vs " + shuffled.meanNegativeLogLikelihood());
    }

    @Test
    void greedyContinuationIsDeterministicAndGoesOnFromThePrefix() {
        LanguageModel model = LanguageModel.load(TestModels.stories260kDir());
        String first = model.continueText("Once upon a time", GenerationOptions.greedy(24));
        assertFalse(first.isBlank());
        assertEquals(first, model.continueText("Once upon a time", GenerationOptions.greedy(24)));
    }
}
