package dev.refinery.datasets.tokens;

import dev.refinery.datasets.model.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A counter's cheap bound lets a record skip counting; it must never be under the count it stands for. */
class UpperBoundTest {

    /** Texts that cost many tokens per char: line breaks, emoji, lone surrogates, CJK, symbols, one-letter words. */
    private static String adversarial(Random random, int length) {
        String[] pieces = {"\n", "\n\n", "😀", "\uD800", "\uDC00", "漢", "€", "a.", "x ", "ℵ", "\t", "'s", "1", " ", "\u0301", "ſ"};
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    @Test
    void theBoundsOfTiktokenAndTheEstimateAreNeverUnderTheirCounts() {
        List<TokenCounter> counters = List.of(TokenCounters.forSpec("tiktoken:o200k_base", null),
                TokenCounters.forSpec("tiktoken:cl100k_base", null), TokenCounters.estimate("acme"));
        Random random = new Random(16);
        for (int n = 0; n < 2000; n++) {
            List<TextMessage> turns = new ArrayList<>();
            for (String role : List.of("system", "user", "assistant", "tool", "text").subList(0, 1 + random.nextInt(5))) {
                turns.add(new TextMessage(role, adversarial(random, random.nextInt(40)), random.nextBoolean()));
            }
            for (TokenCounter counter : counters) {
                long bound = counter.upperBound(turns);
                int count = counter.count(turns).total();
                assertTrue(count <= bound, counter.description() + ": " + count + " tokens over a bound of " + bound + " for " + turns);
            }
        }
    }

    @Test
    void theEngineCounterHasNoBoundAndIsAlwaysCounted() {
        TokenCounter engine = TokenCounters.forSpec("engine:stories260K", TestRepo.modelsDir());
        assertEquals(Long.MAX_VALUE, engine.upperBound(List.of(new TextMessage("user", "hi", false))));
    }
}
