package dev.refinery.validation.records;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The content-hash split (plain JUnit, no Quarkus). */
class SplitAssignerTest {

    private static byte[] record(int i) {
        return ("{\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + "\"},{\"role\":\"assistant\",\"content\":\"answer " + i + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBucketIsTheFirstFourBytesOfTheSha256OfTheTrimmedLineModulo100() throws Exception {
        byte[] line = record(1);
        byte[] d = MessageDigest.getInstance("SHA-256").digest(line);
        long first4 = ((d[0] & 0xFFL) << 24) | ((d[1] & 0xFFL) << 16) | ((d[2] & 0xFFL) << 8) | (d[3] & 0xFFL);
        SplitAssigner splits = new SplitAssigner(80, 10);
        assertEquals((int) (first4 % 100), splits.bucket(line, 0, line.length));

        byte[] padded = ("  \t" + new String(line, StandardCharsets.UTF_8) + " \r").getBytes(StandardCharsets.UTF_8);
        assertEquals(splits.bucket(line, 0, line.length), splits.bucket(padded, 0, padded.length), "surrounding whitespace does not count");
    }

    @Test
    void bucketsMapToTrainValidationAndTestByThePercentages() {
        SplitAssigner splits = new SplitAssigner(80, 10);
        for (int i = 0; i < 500; i++) {
            byte[] line = record(i);
            int bucket = splits.bucket(line, 0, line.length);
            Split expected = bucket < 80 ? Split.TRAIN : bucket < 90 ? Split.VALIDATION : Split.TEST;
            assertEquals(expected, splits.assign(line), "record " + i + " in bucket " + bucket);
        }
    }

    @Test
    void theSameRecordAlwaysLandsInTheSameSplitWhateverElseIsInTheDataset() {
        SplitAssigner first = new SplitAssigner(80, 10);
        Map<Integer, Split> before = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            before.put(i, first.assign(record(i)));
        }
        SplitAssigner second = new SplitAssigner(80, 10);
        for (int i = 1000; i < 1300; i++) {
            second.assign(record(i)); // other records first: no state carries over
        }
        for (int i = 299; i >= 0; i--) {
            assertEquals(before.get(i), second.assign(record(i)), "record " + i);
        }
    }

    @Test
    void theProportionsComeCloseToTheConfiguredOnes() {
        SplitAssigner splits = new SplitAssigner(80, 10);
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (int i = 0; i < 10_000; i++) {
            counts.merge(splits.assign(record(i)), 1, Integer::sum);
        }
        assertTrue(Math.abs(counts.get(Split.TRAIN) - 8000) < 300, counts.toString());
        assertTrue(Math.abs(counts.get(Split.VALIDATION) - 1000) < 200, counts.toString());
        assertTrue(Math.abs(counts.get(Split.TEST) - 1000) < 200, counts.toString());
    }

    @Test
    void otherPercentagesAreHonoured() {
        SplitAssigner all = new SplitAssigner(100, 0);
        for (int i = 0; i < 200; i++) {
            assertEquals(Split.TRAIN, all.assign(record(i)));
        }
        SplitAssigner noValidation = new SplitAssigner(50, 0);
        for (int i = 0; i < 200; i++) {
            assertTrue(noValidation.assign(record(i)) != Split.VALIDATION);
        }
    }

    @Test
    void nonsensicalPercentagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(80, -1));
        assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(95, 10));
    }
}
