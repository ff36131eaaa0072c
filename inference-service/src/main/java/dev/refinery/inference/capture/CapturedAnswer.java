package dev.refinery.inference.capture;

import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.serve.ServingResult;
import dev.refinery.inference.service.ServedTarget;

import java.time.Instant;
import java.util.List;

/**
 * An answered chat completion as the request's thread hands it over for capture: everything is read from it later, on the
 * capture thread, so nothing here may depend on the request (its scope is gone by then).
 *
 * @param requestedModel what the request named (an alias, a version, a job or a base model)
 * @param finishReason   OpenAI's finish_reason: stop or length
 */
public record CapturedAnswer(String tenant, String responseId, String requestedModel, ServedTarget target, List<ChatMessage> messages,
                             ServingResult result, String finishReason, boolean streamed, Instant answeredAt) {
}
