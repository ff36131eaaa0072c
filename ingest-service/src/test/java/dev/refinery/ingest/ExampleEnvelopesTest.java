package dev.refinery.ingest;

import dev.refinery.ingest.service.ExampleEnvelopes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Producers' envelopes: the example kept byte for byte, batches as an array or JSONL, every broken envelope named. */
class ExampleEnvelopesTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theExampleIsKeptExactlyAsWrittenDuplicateKeysAndSpacingIncluded() {
        String example = "{\"text\" : \"a\",  \"text\":\"b\\u00e9\", \"n\": 1.50}";
        ExampleEnvelopes.Envelope e = ExampleEnvelopes.one(bytes("{\"tenant\":\"t\",\"collectionId\":\"col-0123456789abcdef0123456789abcdef\","
                + "\"producerId\":\"p-1\",\"idempotencyId\":\"i 1\",\"example\":" + example + ",\"extra\":[1,{\"x\":2}]}"));
        assertEquals(example, text(e.example()));
        assertEquals("t", e.tenant());
        assertEquals("col-0123456789abcdef0123456789abcdef", e.collectionId());
        assertEquals("p-1", e.producerId());
        assertEquals("i 1", e.idempotencyId());
    }

    @Test
    void aScalarOrArrayExampleIsKeptForTheValidatorToRefuse() {
        assertEquals("\"just text\"", text(ExampleEnvelopes.one(bytes("{\"producerId\":\"p\",\"idempotencyId\":\"1\",\"example\":\"just text\"}")).example()));
        assertEquals("[1, 2]", text(ExampleEnvelopes.one(bytes("{\"producerId\":\"p\",\"idempotencyId\":\"1\",\"example\":[1, 2]}")).example()));
        assertEquals("null", text(ExampleEnvelopes.one(bytes("{\"producerId\":\"p\",\"idempotencyId\":\"1\",\"example\":null}")).example()));
    }

    @Test
    void aBatchIsAnArrayOrOneEnvelopePerLine() {
        String a = "{\"producerId\":\"p\",\"idempotencyId\":\"1\",\"example\":{\"text\":\"x\"}}";
        String b = "{\"producerId\":\"p\",\"idempotencyId\":\"2\",\"example\":{\"text\":\"y\"}}";
        List<ExampleEnvelopes.Envelope> array = ExampleEnvelopes.batch(bytes("[" + a + ",\n" + b + "]"), 10);
        List<ExampleEnvelopes.Envelope> lines = ExampleEnvelopes.batch(bytes(a + "\n" + b + "\n"), 10);
        assertEquals(List.of("1", "2"), array.stream().map(ExampleEnvelopes.Envelope::idempotencyId).toList());
        assertEquals(List.of("1", "2"), lines.stream().map(ExampleEnvelopes.Envelope::idempotencyId).toList());
        assertEquals("{\"text\":\"y\"}", text(lines.get(1).example()));
        assertNull(lines.get(0).tenant());
        assertEquals(List.of(), ExampleEnvelopes.batch(bytes("[]"), 10));
    }

    @Test
    void everyBrokenEnvelopeIsNamedWithItsItemAndField() {
        assertRefused("EXAMPLE_BATCH_NOT_JSON", 0, null, "{\"producerId\": ");
        assertRefused("EXAMPLE_BATCH_NOT_JSON", 1, null, "[{\"producerId\":\"p\",\"idempotencyId\":\"1\",\"example\":{}}, {oops}]");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, null, "[42]");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, "producerId", "{\"idempotencyId\":\"1\",\"example\":{}}");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, "producerId", "{\"producerId\":\"has space\",\"idempotencyId\":\"1\",\"example\":{}}");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, "producerId", "{\"producerId\":7,\"idempotencyId\":\"1\",\"example\":{}}");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, "idempotencyId", "{\"producerId\":\"p\",\"idempotencyId\":\"\",\"example\":{}}");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, "idempotencyId", "{\"producerId\":\"p\",\"idempotencyId\":\"" + "x".repeat(201) + "\",\"example\":{}}");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, "example", "{\"producerId\":\"p\",\"idempotencyId\":\"1\"}");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, "collectionId", "{\"collectionId\":\"ds-1\",\"producerId\":\"p\",\"idempotencyId\":\"1\",\"example\":{}}");
        assertRefused("EXAMPLE_ENVELOPE_INVALID", 0, "producerId", "{\"producerId\":\"p\",\"producerId\":\"q\",\"idempotencyId\":\"1\",\"example\":{}}");
        assertRefused("EXAMPLE_BATCH_TOO_LARGE", 2, null, "{\"producerId\":\"p\",\"idempotencyId\":\"1\",\"example\":{}}\n".repeat(3));
    }

    @Test
    void aRecordHoldsExactlyOneEnvelope() {
        String a = "{\"producerId\":\"p\",\"idempotencyId\":\"1\",\"example\":{}}";
        assertEquals("EXAMPLE_ENVELOPE_INVALID", assertThrows(ExampleEnvelopes.EnvelopeException.class,
                () -> ExampleEnvelopes.one(bytes(a + a))).code);
        assertEquals("EXAMPLE_ENVELOPE_INVALID", assertThrows(ExampleEnvelopes.EnvelopeException.class,
                () -> ExampleEnvelopes.one(bytes("[" + a + "]"))).code);
    }

    private static void assertRefused(String code, int item, String field, String body) {
        ExampleEnvelopes.EnvelopeException e = assertThrows(ExampleEnvelopes.EnvelopeException.class, () -> ExampleEnvelopes.batch(bytes(body), 2));
        assertEquals(code, e.code, e.getMessage());
        assertEquals(item, e.item, e.getMessage());
        assertEquals(field, e.field, e.getMessage());
    }
}
