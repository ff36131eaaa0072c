package dev.refinery.datasets.tokens;

import dev.refinery.datasets.model.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EstimateCounterTest {

    private final TokenCounter estimate = TokenCounters.estimate("acme-7b");
    private final TokenCounter o200k = TokenCounters.forSpec("tiktoken:o200k_base", null);
    private final TokenCounter cl100k = TokenCounters.forSpec("tiktoken:cl100k_base", null);

    @Test
    void isLabelledAnEstimateWithItsMeasuredBound() {
        assertTrue(estimate.accuracy().isEstimate());
        assertEquals(EstimateCounter.MEASURED_RECORD_ERROR_BOUND, estimate.accuracy().relativeErrorBound());
        assertEquals("estimate, within ±45% per record", estimate.accuracy().label());
        assertTrue(estimate.accuracy().basis().contains("datasets/README.md"));
    }

    @Test
    void staysWithinItsBoundOnRealisticRecords() {
        List<List<TextMessage>> records = List.of(
                List.of(new TextMessage("user", "My order #48213 hasn't arrived yet, can you check the tracking?", false),
                        new TextMessage("assistant", "I'm sorry about the delay. The parcel left our warehouse on March 3rd but"
                                + " the carrier never scanned it, so I've shipped a replacement by express courier.", true)),
                List.of(new TextMessage("system", "You extract invoice fields as JSON.", false),
                        new TextMessage("user", "Invoice INV-2024-0173 from Northwind Traders, 447.00 EUR.", false),
                        new TextMessage("assistant", "{\"vendor\": \"Northwind Traders\", \"invoice_number\": \"INV-2024-0173\","
                                + " \"currency\": \"EUR\", \"total\": 447.00}", true)),
                List.of(new TextMessage("user", "Ich möchte die Lieferadresse meiner Bestellung ändern.", false),
                        new TextMessage("assistant", "Gern, ich habe die neue Adresse eingetragen und Ihnen eine Bestätigung geschickt.", true)),
                List.of(new TextMessage("user", "请问可以换货吗？水箱有裂缝。", false),
                        new TextMessage("assistant", "可以的，签收后七天内出现质量问题可以免费换货。", true)));
        double bound = estimate.accuracy().relativeErrorBound();
        for (List<TextMessage> record : records) {
            for (TokenCounter exact : List.of(o200k, cl100k)) {
                int truth = exact.count(record).total();
                int guess = estimate.count(record).total();
                assertTrue(Math.abs(guess - truth) <= bound * truth, exact.description() + ": " + guess + " vs " + truth + " for " + record);
            }
        }
    }

    @Test
    void chatOverheadIsFourPerMessageAndThreePerRecord() {
        List<TextMessage> turns = List.of(new TextMessage("user", "hello world", false), new TextMessage("assistant", "fine thanks", true));
        RecordTokens tokens = estimate.count(turns);
        assertEquals(3 + 4 + estimate.countText("hello world") + 4 + estimate.countText("fine thanks"), tokens.total());
        assertEquals(estimate.countText("fine thanks"), tokens.trained());
    }

    @Test
    void weighsCjkAndPunctuationNotJustCharacters() {
        assertEquals(0, estimate.countText(""));
        assertTrue(estimate.countText("東京都") > estimate.countText("Tok"));
        assertTrue(estimate.countText("a, b; c.") > estimate.countText("a b c"));
    }
}
