package dev.refinery.ingest.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads what producers send: envelopes {@code {tenant?, collectionId?, producerId, idempotencyId, example}}, one per Kafka
 * record, or many in an HTTP batch (a JSON array, or one envelope per line). The example is kept as the exact bytes the
 * producer wrote, never parsed into objects and written back, so the validator sees what was sent: a duplicate key, a lone
 * surrogate or a number's spelling survive to be judged. Only the envelope is this class's business; an envelope that is
 * not one is an {@link EnvelopeException} with a stable code, the item and the field.
 */
public final class ExampleEnvelopes {

    public static final String INVALID = "EXAMPLE_ENVELOPE_INVALID";
    public static final String NOT_JSON = "EXAMPLE_BATCH_NOT_JSON";
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern PRODUCER_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,100}$");
    private static final Pattern COLLECTION_ID = Pattern.compile("^col-[0-9a-f]{32}$");
    private static final int MAX_IDEMPOTENCY_ID = 200;

    private ExampleEnvelopes() {
    }

    /**
     * One envelope as a producer wrote it.
     *
     * @param tenant       as the record says (Kafka only; an HTTP producer's tenant is its key's); null when absent
     * @param collectionId as the record says (Kafka only; HTTP names it in the path); null when absent
     * @param example      the example's bytes exactly as written
     */
    public record Envelope(String tenant, String collectionId, String producerId, String idempotencyId, byte[] example) {

        public ExampleSubmission submission() {
            return new ExampleSubmission(producerId, idempotencyId, example);
        }
    }

    /** An envelope that cannot be used: {@code code} is stable, {@code item} is its 0-based place in a batch. */
    public static final class EnvelopeException extends RuntimeException {
        public final String code;
        public final int item;
        public final String field;

        EnvelopeException(String code, int item, String field, String message) {
            super(message);
            this.code = code;
            this.item = item;
            this.field = field;
        }
    }

    /** A Kafka record's value: exactly one envelope. */
    public static Envelope one(byte[] value) {
        List<Envelope> all = read(value, Integer.MAX_VALUE, true);
        if (all.size() != 1) {
            throw new EnvelopeException(INVALID, 0, null, "a record holds exactly one envelope; found " + all.size());
        }
        return all.get(0);
    }

    /** An HTTP batch: a JSON array of envelopes, or envelopes one after the other (JSONL); at most {@code maxItems}. */
    public static List<Envelope> batch(byte[] body, int maxItems) {
        return read(body, maxItems, false);
    }

    private static List<Envelope> read(byte[] src, int maxItems, boolean single) {
        List<Envelope> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(src)) {
            JsonToken first = p.nextToken();
            boolean array = first == JsonToken.START_ARRAY && !single;
            JsonToken t = array ? p.nextToken() : first;
            while (t != null && t != JsonToken.END_ARRAY) {
                if (single && !out.isEmpty()) {
                    throw new EnvelopeException(INVALID, out.size(), null, "a record holds exactly one envelope");
                }
                if (out.size() == maxItems) {
                    throw new EnvelopeException("EXAMPLE_BATCH_TOO_LARGE", out.size(), null, "a batch holds at most " + maxItems + " examples");
                }
                if (t != JsonToken.START_OBJECT) {
                    throw new EnvelopeException(INVALID, out.size(), null, "each item must be an object {producerId, idempotencyId, example}; "
                            + "item " + out.size() + " is " + t.asString());
                }
                out.add(envelope(p, src, out.size()));
                t = p.nextToken();
            }
            if (array && p.nextToken() != null) {
                throw new EnvelopeException(NOT_JSON, out.size(), null, "data after the end of the array");
            }
        } catch (JsonProcessingException e) {
            throw new EnvelopeException(NOT_JSON, out.size(), null, "not JSON at byte " + e.getLocation().getByteOffset() + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading bytes in memory failed", e);
        }
        return out;
    }

    /** The envelope at the parser's START_OBJECT; leaves the parser at its END_OBJECT. */
    private static Envelope envelope(JsonParser p, byte[] src, int item) throws IOException {
        String tenant = null;
        String collectionId = null;
        String producerId = null;
        String idempotencyId = null;
        byte[] example = null;
        Set<String> seen = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (!seen.add(name)) {
                throw new EnvelopeException(INVALID, item, name, "item " + item + " names " + name + " twice");
            }
            switch (name) {
                case "example" -> {
                    long start = p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    p.finishToken(); // a scalar's end is known only once it is read through
                    example = Arrays.copyOfRange(src, (int) start, (int) p.currentLocation().getByteOffset());
                }
                case "tenant" -> tenant = text(p, value, item, name);
                case "collectionId" -> collectionId = text(p, value, item, name);
                case "producerId" -> producerId = text(p, value, item, name);
                case "idempotencyId" -> idempotencyId = text(p, value, item, name);
                default -> p.skipChildren(); // unknown fields are ignored, as everywhere in Refinery's messages
            }
        }
        require(producerId != null && PRODUCER_ID.matcher(producerId).matches(), item, "producerId",
                "producerId is required: 1 to 100 letters, digits or . _ : -");
        require(idempotencyId != null && !idempotencyId.isBlank() && idempotencyId.length() <= MAX_IDEMPOTENCY_ID
                && idempotencyId.chars().noneMatch(Character::isISOControl), item, "idempotencyId",
                "idempotencyId is required: 1 to " + MAX_IDEMPOTENCY_ID + " characters, no control characters");
        require(example != null, item, "example", "example is required: one record in any format the validator knows");
        require(collectionId == null || COLLECTION_ID.matcher(collectionId).matches(), item, "collectionId",
                "collectionId is col- followed by 32 hex digits");
        return new Envelope(tenant, collectionId, producerId, idempotencyId, example);
    }

    private static String text(JsonParser p, JsonToken value, int item, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new EnvelopeException(INVALID, item, field, field + " must be a string");
        }
        return p.getText();
    }

    private static void require(boolean ok, int item, String field, String message) {
        if (!ok) {
            throw new EnvelopeException(INVALID, item, field, "item " + item + ": " + message);
        }
    }
}
