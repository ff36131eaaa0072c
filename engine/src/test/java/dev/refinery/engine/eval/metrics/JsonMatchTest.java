package dev.refinery.engine.eval.metrics;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No reference implementation to match: these pin the documented rules (RFC 8259 validity, per-field equality). */
class JsonMatchTest {

    @Test
    void validityIsOneWholeJsonValue() {
        assertEquals(1.0, JsonMatch.validity("  {\"a\": [1, 2, {\"b\": null}]}\n"));
        assertEquals(1.0, JsonMatch.validity("42"));
        assertEquals(0.0, JsonMatch.validity("{\"a\": 1} trailing"));
        assertEquals(0.0, JsonMatch.validity("{'a': 1}"));
        assertEquals(0.0, JsonMatch.validity("{\"a\": 1,}"));
        assertEquals(0.0, JsonMatch.validity("```json\n{\"a\": 1}\n```"));
        assertEquals(0.0, JsonMatch.validity(""));
    }

    @Test
    void fieldsMatchByValueInTheReferencesOrder() {
        JsonMatch.Result r = JsonMatch.compare("{\"name\": \"Mia\", \"age\": 4, \"tags\": [\"a\", \"b\"], \"pet\": {\"kind\": \"bird\", \"n\": 1}}",
                "{\"pet\": {\"n\": 1.0, \"kind\": \"bird\"}, \"age\": 4.0, \"name\": \"mia\", \"tags\": [\"b\", \"a\"], \"extra\": true}");
        Map<String, Boolean> want = new LinkedHashMap<>();
        want.put("name", false);  // case matters
        want.put("age", true);    // 4 == 4.0
        want.put("tags", false);  // array order matters
        want.put("pet", true);    // key order does not; 1 == 1.0 nested
        assertEquals(want, r.fields());
        assertTrue(r.valid());
        assertEquals(0.5, r.fieldMatchRate(), 1e-12);
        assertEquals(0.0, r.allFieldsMatch());
    }

    @Test
    void invalidOrNonObjectOutputMatchesNothing() {
        JsonMatch.Result broken = JsonMatch.compare("{\"a\": 1}", "{\"a\": 1");
        assertFalse(broken.valid());
        assertEquals(0.0, broken.fieldMatchRate());
        JsonMatch.Result array = JsonMatch.compare("{\"a\": 1}", "[1]");
        assertTrue(array.valid());
        assertEquals(0.0, array.fieldMatchRate());
        assertEquals(1.0, JsonMatch.compare("{\"a\": 1}", "{\"a\": 1}").allFieldsMatch());
    }

    @Test
    void aReferenceThatIsNotAnObjectIsRefused() {
        assertThrows(EngineException.InvalidArgument.class, () -> JsonMatch.compare("[1]", "[1]"));
    }
}
