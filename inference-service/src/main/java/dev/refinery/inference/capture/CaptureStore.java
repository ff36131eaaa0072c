package dev.refinery.inference.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.inference.repository.CapturedExchange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stores one answer, if its project captures, redacted with the project's patterns as they are now. */
@ApplicationScoped
public class CaptureStore {

    @Inject
    CaptureSettingsService settings;

    @Inject
    ObjectMapper json;

    /** @return whether it was stored (false: the project does not capture) */
    @Transactional
    public boolean store(CapturedAnswer a) {
        CaptureSettingsService.Effective s = settings.effective(a.tenant());
        if (!s.enabled()) {
            return false;
        }
        Redactor redactor = Redactor.of(s.redact());
        ServingResult r = a.result();
        CapturedExchange e = new CapturedExchange();
        e.id = a.responseId();
        e.tenant = a.tenant();
        e.requestedModel = a.requestedModel();
        e.servedModel = a.target().model();
        e.versionId = a.target().versionId();
        e.baseModel = a.target().baseModel();
        e.messages = messagesJson(a.messages(), redactor);
        e.promptHash = sha256(e.messages);
        e.output = redactor.apply(r.text());
        e.finishReason = a.finishReason();
        e.promptTokens = r.promptTokens();
        e.completionTokens = r.completionTokens();
        e.latencyMs = r.duration().toMillis();
        e.timeToFirstTokenMs = r.timeToFirstToken() == null ? null : r.timeToFirstToken().toMillis();
        e.streamed = a.streamed();
        e.createdAt = a.answeredAt().atOffset(ZoneOffset.UTC);
        e.persist();
        return true;
    }

    private String messagesJson(List<ChatMessage> messages, Redactor redactor) {
        List<Map<String, String>> out = messages.stream().map(m -> {
            Map<String, String> one = new LinkedHashMap<>();
            one.put("role", m.role());
            one.put("content", redactor.apply(m.content()));
            return one;
        }).toList();
        try {
            return json.writeValueAsString(out);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
