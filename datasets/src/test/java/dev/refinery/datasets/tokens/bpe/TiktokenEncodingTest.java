package dev.refinery.datasets.tokens.bpe;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The encodings give exactly the reference's ids (jtokkit, which follows tiktoken) on real and adversarial text. */
class TiktokenEncodingTest {

    private static final EncodingRegistry JTOKKIT = Encodings.newLazyEncodingRegistry();

    private static void assertSameIds(TiktokenEncoding ours, Encoding reference, List<String> texts) {
        List<String> mismatches = new ArrayList<>();
        long tokens = 0;
        for (String text : texts) {
            String valid = Corpus.withoutUnpairedSurrogates(text);
            int[] expected = reference.encodeOrdinary(valid).toArray();
            int[] actual = ours.encode(text);
            tokens += expected.length;
            if (!Arrays.equals(expected, actual) && mismatches.size() < 5) {
                mismatches.add(quote(text) + "\n   reference " + Arrays.toString(expected) + "\n   ours      " + Arrays.toString(actual));
            }
            assertEquals(actual.length, ours.count(text), () -> "count and encode disagree on " + quote(text));
        }
        assertEquals(List.of(), mismatches, ours.name() + " differs from jtokkit");
        assertTrue(tokens > 10_000, "the corpus is not trivial: " + tokens + " tokens");
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().limit(120).forEach(cp -> out.append(cp < 0x20 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x7E
                ? String.format("\\u{%X}", cp) : String.valueOf((char) cp)));
        return out.append(text.length() > 120 ? "...\"" : "\"").toString();
    }

    @Test
    void o200kGivesTheReferenceIdsOnTheRepositorysText() {
        assertSameIds(TiktokenEncoding.o200k(), JTOKKIT.getEncoding(EncodingType.O200K_BASE), Corpus.repository());
    }

    @Test
    void cl100kGivesTheReferenceIdsOnTheRepositorysText() {
        assertSameIds(TiktokenEncoding.cl100k(), JTOKKIT.getEncoding(EncodingType.CL100K_BASE), Corpus.repository());
    }

    @Test
    void o200kGivesTheReferenceIdsOnAdversarialText() {
        assertSameIds(TiktokenEncoding.o200k(), JTOKKIT.getEncoding(EncodingType.O200K_BASE), Corpus.adversarial(8_000));
    }

    @Test
    void cl100kGivesTheReferenceIdsOnAdversarialText() {
        assertSameIds(TiktokenEncoding.cl100k(), JTOKKIT.getEncoding(EncodingType.CL100K_BASE), Corpus.adversarial(8_000));
    }

    @Test
    void countsAreTheSameFromEveryThreadAndAfterTheCacheStartsOver() throws Exception {
        TiktokenEncoding o200k = TiktokenEncoding.o200k();
        List<String> texts = Corpus.adversarial(3_000);
        long expected = texts.stream().mapToLong(t -> o200k.encode(t).length).sum();
        List<Thread> threads = new ArrayList<>();
        long[] counted = new long[4];
        for (int t = 0; t < counted.length; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                for (int round = 0; round < 3; round++) {
                    long sum = 0;
                    for (String text : texts) {
                        sum += o200k.count(text);
                    }
                    counted[index] = sum;
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        for (long c : counted) {
            assertEquals(expected, c);
        }
    }
}
