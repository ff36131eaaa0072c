package dev.refinery.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;

import java.time.Duration;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's OpenAI-compatible door as an application uses it: the official OpenAI Java client, its base URL the
 * gateway's {@code /v1}, its API key a Refinery key. Greedy decoding (temperature 0), so answers can be compared.
 */
final class OpenAiClientCheck {

    private static final long MAX_TOKENS = 40;

    private final OpenAIClient client;

    OpenAiClientCheck(String baseUrl, String apiKey) {
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(apiKey).timeout(Duration.ofMinutes(2)).maxRetries(0).build();
    }

    /** Waits until {@code model} is listed (the registry's events reach inference-service shortly), then asks it. */
    String awaitListedThenAsk(String model, String request, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (client.models().list().data().stream().map(Model::id).noneMatch(model::equals)) {
            assertTrue(System.nanoTime() < deadline, model + " was never listed by GET /v1/models");
            Thread.sleep(500);
        }
        ChatCompletion answer = client.chat().completions().create(params(model, request));
        assertTrue(answer.usage().isPresent() && answer.usage().get().completionTokens() > 0, "usage in every response: " + answer);
        String finish = answer.choices().get(0).finishReason().asString();
        assertTrue(finish.equals("stop") || finish.equals("length"), "finish_reason " + finish);
        return answer.choices().get(0).message().content().orElse("");
    }

    /** The same request streamed: the pieces, joined. */
    String askStreaming(String model, String request) {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params(model, request))) {
            return stream.stream().flatMap(chunk -> chunk.choices().stream()).map(choice -> choice.delta().content().orElse(""))
                    .collect(Collectors.joining());
        }
    }

    private static ChatCompletionCreateParams params(String model, String request) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(request).temperature(0.0).maxCompletionTokens(MAX_TOKENS)
                .build();
    }
}
