package dev.refinery.inference.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.inference.capture.api.FeedbackView;
import dev.refinery.inference.repository.CapturedExchange;
import dev.refinery.inference.repository.ExchangeFeedback;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Feedback on a captured answer: a rating (1-5), a thumbs up or down, a corrected answer, any of them. One feedback per
 * answer: a second one replaces the first whole (what it leaves out is cleared), so what is exported is what the caller
 * said last.
 */
@ApplicationScoped
public class FeedbackService {

    /** A corrected answer may be as long as any answer a model gives, and then some; bounded so no row grows without end. */
    public static final int MAX_CORRECTION_CHARS = 32_768;

    @Inject
    ObjectMapper json;

    /** The feedback as stored, and whether it replaced an earlier one. */
    public record Stored(FeedbackView feedback, boolean replaced) {
    }

    /** @throws ApiException 400 naming the field at fault; 404 for an answer this project never had captured */
    @Transactional
    public Stored give(String tenant, String body) {
        JsonNode req = parse(body);
        String responseId = text(req, "responseId");
        if (responseId == null || responseId.isBlank()) {
            throw invalid("FEEDBACK_RESPONSE_ID_REQUIRED", "responseId", "responseId names the answer: the id (chatcmpl-...) its response carried");
        }
        Integer rating = rating(req.get("rating"));
        String thumbs = thumbs(req.get("thumbs"));
        String correction = correction(req.get("correction"));
        if (rating == null && thumbs == null && correction == null) {
            throw invalid("FEEDBACK_EMPTY", "rating", "give at least one of rating (1-5), thumbs (up or down) or correction (text)")
                    .with("oneOf", List.of("rating", "thumbs", "correction"));
        }
        CapturedExchange exchange = CapturedExchange.of(tenant, responseId).orElseThrow(() -> ApiException.notFound(
                "FEEDBACK_RESPONSE_NOT_FOUND", "no captured answer " + responseId + " in this project (capture must be on when it "
                        + "is answered, and it is kept for the project's retention)").with("field", "responseId"));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        ExchangeFeedback f = ExchangeFeedback.findById(exchange.id);
        boolean replaced = f != null;
        if (f == null) {
            f = new ExchangeFeedback();
            f.responseId = exchange.id;
            f.tenant = tenant;
            f.createdAt = now;
        }
        f.rating = rating == null ? null : rating.shortValue();
        f.thumbs = thumbs;
        f.correction = correction;
        f.updatedAt = now;
        f.persist();
        return new Stored(view(f), replaced);
    }

    public static FeedbackView view(ExchangeFeedback f) {
        return new FeedbackView(f.responseId, f.rating == null ? null : f.rating.intValue(), f.thumbs, f.correction, f.createdAt, f.updatedAt);
    }

    private static Integer rating(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || n.intValue() < 1 || n.intValue() > 5) {
            throw invalid("FEEDBACK_RATING_INVALID", "rating", "rating is a whole number from 1 to 5; got " + n);
        }
        return n.intValue();
    }

    private static String thumbs(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || !List.of("up", "down").contains(n.textValue())) {
            throw invalid("FEEDBACK_THUMBS_INVALID", "thumbs", "thumbs is \"up\" or \"down\"; got " + n);
        }
        return n.textValue();
    }

    private static String correction(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.textValue().isBlank() || n.textValue().length() > MAX_CORRECTION_CHARS) {
            throw invalid("FEEDBACK_CORRECTION_INVALID", "correction", "correction is the answer the model should have given: a "
                    + "non-blank string of at most " + MAX_CORRECTION_CHARS + " characters").with("limit", MAX_CORRECTION_CHARS);
        }
        return n.textValue();
    }

    private static String text(JsonNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid("FEEDBACK_RESPONSE_ID_REQUIRED", field, field + " must be a string");
        }
        return n.textValue();
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            if (node == null || !node.isObject()) {
                throw invalid("FEEDBACK_INVALID", "", "the body must be a JSON object: {\"responseId\", \"rating\", \"thumbs\", \"correction\"}");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw invalid("FEEDBACK_INVALID", "", "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static ApiException invalid(String code, String field, String detail) {
        return ApiException.badRequest(code, detail).with("field", field);
    }
}
