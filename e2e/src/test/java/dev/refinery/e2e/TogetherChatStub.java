package dev.refinery.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * Together's {@code POST /v1/chat/completions} (its documented OpenAI-compatible shape, providers.md §4) for one fine-tune it
 * keeps and its base model, answering only the project's own key: a whole answer, or the same as server-sent chunks when
 * streamed. The same OpenAI-compatible shape stands in for an operator's server too.
 */
final class TogetherChatStub implements AutoCloseable {

    static final String MODEL = "acme/Meta-Llama-3.1-8B-Instruct-Reference-story-ft";
    static final String TENANT_KEY = "tg-e2e-project-key-0123456789";
    static final String ANSWER = "Once upon a time, there was a little girl named Mia.";
    /** The base model of {@link #MODEL}, which answers too (an evaluation compares the two). */
    static final String BASE = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference";
    static final String BASE_ANSWER = "A story.";
    /**
     * A judge of pairs of answers: it prefers the answer that is not a ticket reply ("Request ... is logged"), wherever it is
     * shown, and says A when neither or both are.
     */
    static final String JUDGE = "acme/answer-judge";
    static final String TICKET_REPLY_START = "Request ";
    private static final String PATH = "/v1/chat/completions";

    private final WireMockServer server;

    private TogetherChatStub(WireMockServer server) {
        this.server = server;
    }

    static TogetherChatStub start() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        server.stubFor(post(urlEqualTo(PATH)).atPriority(5).withHeader("Authorization", equalTo("Bearer " + TENANT_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(MODEL)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                        "{\"id\":\"tg-1\",\"object\":\"chat.completion\",\"created\":1796601600,\"model\":\"" + MODEL + "\",\"choices\":[{"
                                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + ANSWER + "\"},\"logprobs\":null,"
                                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":13,\"total_tokens\":25}}")));
        server.stubFor(post(urlEqualTo(PATH)).atPriority(5).withHeader("Authorization", equalTo("Bearer " + TENANT_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(BASE)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                        "{\"id\":\"tg-3\",\"object\":\"chat.completion\",\"created\":1796601600,\"model\":\"" + BASE + "\",\"choices\":[{"
                                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + BASE_ANSWER + "\"},\"logprobs\":null,"
                                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}")));
        judges(server, 1, "Answer A:\n" + TICKET_REPLY_START, "B");
        judges(server, 2, "Answer B:\n" + TICKET_REPLY_START, "A");
        server.stubFor(post(urlEqualTo(PATH)).atPriority(3).withHeader("Authorization", equalTo("Bearer " + TENANT_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(JUDGE))).willReturn(verdict("A")));
        String chunk = "data: {\"id\":\"tg-2\",\"object\":\"chat.completion.chunk\",\"created\":1796601600,\"model\":\"" + MODEL
                + "\",\"choices\":[{\"index\":0,\"delta\":{%s},\"logprobs\":null,\"finish_reason\":%s}]}\n\n";
        server.stubFor(post(urlEqualTo(PATH)).atPriority(1).withHeader("Authorization", equalTo("Bearer " + TENANT_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(MODEL))).withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(
                        chunk.formatted("\"role\":\"assistant\",\"content\":\"\"", "null")
                                + chunk.formatted("\"content\":\"Once upon a time, \"", "null")
                                + chunk.formatted("\"content\":\"there was a little girl named Mia.\"", "null")
                                + chunk.formatted("", "\"stop\"") + "data: [DONE]\n\n")));
        return new TogetherChatStub(server);
    }

    /** The judge says {@code letter} when its question contains {@code shown}. */
    private static void judges(WireMockServer server, int priority, String shown, String letter) {
        server.stubFor(post(urlEqualTo(PATH)).atPriority(priority).withHeader("Authorization", equalTo("Bearer " + TENANT_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(JUDGE)))
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing(shown))).willReturn(verdict(letter)));
    }

    private static ResponseDefinitionBuilder verdict(String letter) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                "{\"id\":\"tg-j\",\"object\":\"chat.completion\",\"created\":1796601600,\"model\":\"" + JUDGE + "\",\"choices\":[{"
                        + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + letter + "\"},\"logprobs\":null,"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":80,\"completion_tokens\":1,\"total_tokens\":81}}");
    }

    /** The API root inference goes to: {@code <base>/v1}. */
    String baseUrl() {
        return server.baseUrl() + "/v1";
    }

    int requestsWithTheTenantsKey() {
        return requestsFor(MODEL);
    }

    /** Requests for {@code model} with {@link #TENANT_KEY}. */
    int requestsFor(String model) {
        return server.findAll(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + TENANT_KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))).size();
    }

    @Override
    public void close() {
        server.stop();
    }
}
