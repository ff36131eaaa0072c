package dev.refinery.inference.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.inference.capture.api.CapturedRecordView;
import dev.refinery.inference.repository.CapturedExchange;
import dev.refinery.inference.repository.ExchangeFeedback;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A project's captured answers, newest first, each with its feedback. */
@ApplicationScoped
public class CaptureRecords {

    @Inject
    ObjectMapper json;

    @Transactional
    public List<CapturedRecordView> page(String tenant, int limit, int offset) {
        List<CapturedExchange> page = CapturedExchange.find("tenant", Sort.descending("createdAt").and("id", Sort.Direction.Descending), tenant)
                .range(offset, offset + limit - 1).list();
        Map<String, ExchangeFeedback> feedback = ExchangeFeedback.ofResponses(page.stream().map(e -> e.id).toList()).stream()
                .collect(Collectors.toMap(f -> f.responseId, Function.identity()));
        return page.stream().map(e -> view(e, feedback.get(e.id))).toList();
    }

    private CapturedRecordView view(CapturedExchange e, ExchangeFeedback f) {
        try {
            return new CapturedRecordView(e.id, e.requestedModel, e.servedModel, e.baseModel, json.readTree(e.messages), e.output,
                    e.finishReason, e.promptTokens, e.completionTokens, e.latencyMs, e.timeToFirstTokenMs, e.streamed, e.createdAt,
                    f == null ? null : FeedbackService.view(f));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("captured_exchange.messages of " + e.id + " is not JSON", ex);
        }
    }
}
