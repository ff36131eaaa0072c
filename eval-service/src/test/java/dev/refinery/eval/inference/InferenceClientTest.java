package dev.refinery.eval.inference;

import dev.refinery.engine.chat.ChatMessage;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.eval.service.EvaluationFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.refinery.eval.inference.ChatStubs.PATH;
import static dev.refinery.eval.inference.ChatStubs.answerTo;
import static dev.refinery.eval.inference.ChatStubs.completion;
import static dev.refinery.eval.inference.ChatStubs.error;
import static dev.refinery.eval.inference.ChatStubs.forQuestion;
import static dev.refinery.eval.inference.ChatStubs.questions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against WireMock standing in for Together, Fireworks and OpenAI. Waits between tries are recorded, not
 * slept, so that the tests say which delay was honoured without timing anything.
 */
class InferenceClientTest {

    private static final String TENANT = "tenant-a";
    private static final String TOGETHER_MODEL = "acme/Meta-Llama-3.1-8B-Instruct-Reference-support-7f3a9c21";
    private static final Clock DECEMBER = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);

    private WireMockServer stub;
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        stub = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(40));
        stub.start();
    }

    @AfterEach
    void stop() {
        stub.stop();
    }

    private Endpoint together() {
        return new Endpoint(ProviderKind.TOGETHER, stub.baseUrl() + "/v1", TOGETHER_MODEL, "tok-test-key");
    }

    private InferenceClient client(InferenceSettings settings, Clock clock) {
        return new InferenceClient(settings, OutputCache.NONE, ServingCutoffs.from(ModelCatalog.load(), clock),
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), clock, waits::add, bound -> bound);
    }

    private InferenceClient client() {
        return client(InferenceSettings.defaults().withMaxInFlight(4).withMaxAttempts(3), DECEMBER);
    }

    private void answerEveryQuestion(int count, String model) {
        for (int i = 0; i < count; i++) {
            stub.stubFor(forQuestion(i).willReturn(completion(model, answerTo(i))));
        }
    }

    private int requestsFor(int question) {
        return stub.findAll(postRequestedFor(urlEqualTo(PATH))).stream()
                .filter(request -> request.getBodyAsString().contains("\"question " + question + "\"")).toList().size();
    }

    @Test
    void togetherShapedEndpointAnswersEveryPromptInPromptOrderWithTheDocumentedRequest() throws Exception {
        answerEveryQuestion(12, TOGETHER_MODEL);

        List<String> answers = client().answerAll(TENANT, together(), questions(12),
                new Decoding(0, 64, List.of("\n\n")));

        assertEquals(12, answers.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(answerTo(i), answers.get(i));
            assertEquals(1, requestsFor(i), "question " + i);
        }
        stub.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer tok-test-key"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"model":"%s","messages":[{"role":"system","content":"Answer briefly."},{"role":"user","content":"question 3"}],
                         "max_tokens":64,"temperature":0.0,"stop":["\\n\\n"]}""".formatted(TOGETHER_MODEL))));
        assertTrue(waits.isEmpty());
    }

    @Test
    void a429WithRetryAfterIsWaitedOutAsAskedAndNoItemIsLostOrAskedTwiceAfterItsAnswer() throws Exception {
        int count = 10;
        answerEveryQuestion(count, TOGETHER_MODEL);
        // Every even question is refused once with a rate limit; the odd ones answer at once.
        for (int i = 0; i < count; i += 2) {
            String scenario = "rate-limited-" + i;
            stub.stubFor(forQuestion(i).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open")
                    .willReturn(error(429, "Rate limit reached for model", "rate_limit_exceeded", null)
                            .withHeader("retry-after", "2")));
            stub.stubFor(forQuestion(i).inScenario(scenario).whenScenarioStateIs("open")
                    .willReturn(completion(TOGETHER_MODEL, answerTo(i))));
        }

        List<String> answers = client().answerAll(TENANT, together(), questions(count), Decoding.greedy(16));

        for (int i = 0; i < count; i++) {
            assertEquals(answerTo(i), answers.get(i));
            assertEquals(i % 2 == 0 ? 2 : 1, requestsFor(i), "requests for question " + i);
        }
        assertEquals(Collections.nCopies(count / 2, Duration.ofSeconds(2)), waits, "the server's retry-after, once per refused item");
    }

    @Test
    void retryAfterMsIsReadBeforeRetryAfterAndATooLongDelayFallsBackToTheClientsBackoff() throws Exception {
        answerEveryQuestion(2, TOGETHER_MODEL);
        stub.stubFor(forQuestion(0).inScenario("ms").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open")
                .willReturn(error(503, "server is overloaded or not ready yet", "service_unavailable", null)
                        .withHeader("retry-after-ms", "750").withHeader("retry-after", "1")));
        stub.stubFor(forQuestion(0).inScenario("ms").whenScenarioStateIs("open").willReturn(completion(TOGETHER_MODEL, answerTo(0))));
        stub.stubFor(forQuestion(1).inScenario("long").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open")
                .willReturn(error(429, "slow down", "rate_limit_exceeded", null).withHeader("retry-after", "3600")));
        stub.stubFor(forQuestion(1).inScenario("long").whenScenarioStateIs("open").willReturn(completion(TOGETHER_MODEL, answerTo(1))));

        List<String> answers = client().answerAll(TENANT, together(), questions(2), Decoding.greedy(16));

        assertEquals(List.of(answerTo(0), answerTo(1)), answers);
        // 750 ms as asked; an hour is not honoured: the first backoff step (the jitter is pinned to its bound) instead.
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(750)), waits.stream().sorted().toList());
    }

    @Test
    void anEndpointThatKeepsFailingEndsTheCallWithItsLastStatusAfterTheLastAttempt() {
        answerEveryQuestion(3, TOGETHER_MODEL);
        stub.stubFor(forQuestion(1).willReturn(error(500, "internal error: worker crashed", "server_error", null)));

        EvaluationFailure failure = assertThrows(EvaluationFailure.class,
                () -> client().answerAll(TENANT, together(), questions(3), Decoding.greedy(16)));

        assertEquals(InferenceErrorCodes.ENDPOINT_ERROR, failure.code());
        assertTrue(failure.getMessage().contains(TOGETHER_MODEL), failure.getMessage());
        assertTrue(failure.getMessage().contains("prompt 1 (of 3"), failure.getMessage());
        assertTrue(failure.getMessage().contains("3 attempts, the last answered HTTP 500: internal error: worker crashed"),
                failure.getMessage());
        assertEquals(3, requestsFor(1), "exactly the attempt budget");
        // Exponential: 500 ms then 1 s (jitter pinned to its bound).
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(1000)), waits);
    }

    @Test
    void garbageAnswersAreRefusedNotRetried() {
        List<String> bodies = List.of("<html>502 Bad Gateway</html>", "{\"object\":\"chat.completion\",\"choices\":[]}",
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null}}]}", "[1,2]");
        for (String body : bodies) {
            stub.resetAll();
            stub.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody(body)));

            EvaluationFailure failure = assertThrows(EvaluationFailure.class,
                    () -> client().answerAll(TENANT, together(), questions(1), Decoding.greedy(16)), body);

            assertEquals(InferenceErrorCodes.ENDPOINT_GARBAGE, failure.code(), body);
            assertTrue(failure.getMessage().contains(TOGETHER_MODEL) && failure.getMessage().contains("prompt 0"), failure.getMessage());
            assertEquals(1, stub.findAll(postRequestedFor(urlEqualTo(PATH))).size(), body);
        }
    }

    @Test
    void aModelThatDoesNotExistIsGoneWhetherTheProviderWrapsTheErrorOrNot() {
        stub.stubFor(post(urlEqualTo(PATH)).willReturn(error(404,
                "The model `" + TOGETHER_MODEL + "` does not exist", "invalid_request_error", "model_not_found")));
        EvaluationFailure wrapped = assertThrows(EvaluationFailure.class,
                () -> client().answerAll(TENANT, together(), questions(2), Decoding.greedy(16)));
        assertEquals(InferenceErrorCodes.MODEL_GONE, wrapped.code());
        assertTrue(wrapped.getMessage().contains("does not exist"), wrapped.getMessage());

        // Together's bare {"message": ...} on a 404, and a 400 that says model_not_found.
        stub.resetAll();
        stub.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(404).withBody("{\"message\":\"Unable to access model\"}")));
        assertEquals(InferenceErrorCodes.MODEL_GONE, assertThrows(EvaluationFailure.class,
                () -> client().answerAll(TENANT, together(), questions(1), Decoding.greedy(16))).code());
        stub.resetAll();
        stub.stubFor(post(urlEqualTo(PATH)).willReturn(error(400, "no such model", "invalid_request_error", "model_not_found")));
        assertEquals(InferenceErrorCodes.MODEL_GONE, assertThrows(EvaluationFailure.class,
                () -> client().answerAll(TENANT, together(), questions(1), Decoding.greedy(16))).code());
        assertTrue(waits.isEmpty(), "never retried");
    }

    @Test
    void aFireworksModelWithoutADeploymentIsToldThatADeploymentMustExist() {
        stub.stubFor(post(urlEqualTo("/inference/v1/chat/completions")).willReturn(error(404,
                "Model not found, inaccessible, and/or not deployed", "invalid_request_error", "NOT_FOUND")));
        Endpoint fireworks = new Endpoint(ProviderKind.FIREWORKS, stub.baseUrl() + "/inference/v1",
                "accounts/acme/models/support-ft", "fw-key");

        EvaluationFailure failure = assertThrows(EvaluationFailure.class,
                () -> client().answerAll(TENANT, fireworks, questions(1), Decoding.greedy(16)));

        assertEquals(InferenceErrorCodes.MODEL_GONE, failure.code());
        assertTrue(failure.getMessage().contains("deployment") && failure.getMessage().contains("must exist"), failure.getMessage());
        assertTrue(failure.getMessage().contains("accounts/acme/models/support-ft"), failure.getMessage());
    }

    @Test
    void aRefusedKeyIsUnauthorizedAtOnce() {
        stub.stubFor(post(urlEqualTo(PATH)).willReturn(error(401, "Invalid API key provided", "invalid_request_error", "invalid_api_key")));

        EvaluationFailure failure = assertThrows(EvaluationFailure.class,
                () -> client().answerAll(TENANT, together(), questions(5), Decoding.greedy(16)));

        assertEquals(InferenceErrorCodes.ENDPOINT_UNAUTHORIZED, failure.code());
        assertTrue(failure.getMessage().contains("Invalid API key provided"), failure.getMessage());
        assertTrue(stub.findAll(postRequestedFor(urlEqualTo(PATH))).size() <= 5);
        assertTrue(waits.isEmpty());
    }

    @Test
    void anOpenAiFineTuneOfGpt4oIsRefusedFromItsServingCutoffWithoutAnyCall() throws Exception {
        String model = "ft:gpt-4o-mini-2024-07-18:acme:support:B7R9VjQd";
        stub.stubFor(post(urlEqualTo(PATH)).willReturn(completion(model, "still here")));
        Endpoint openai = new Endpoint(ProviderKind.OPENAI, stub.baseUrl() + "/v1", model, "sk-test");
        InferenceSettings settings = InferenceSettings.defaults().withMaxInFlight(2);

        Clock dayBefore = Clock.fixed(Instant.parse("2027-01-13T23:59:59Z"), ZoneOffset.UTC);
        assertEquals(List.of("still here"), client(settings, dayBefore).answerAll(TENANT, openai, questions(1), Decoding.greedy(8)));

        Clock cutoffDay = Clock.fixed(Instant.parse("2027-01-14T00:00:00Z"), ZoneOffset.UTC);
        EvaluationFailure failure = assertThrows(EvaluationFailure.class,
                () -> client(settings, cutoffDay).answerAll(TENANT, openai, questions(3), Decoding.greedy(8)));

        assertEquals(InferenceErrorCodes.MODEL_RETIRED, failure.code());
        assertTrue(failure.getMessage().contains("2027-01-14") && failure.getMessage().contains(model), failure.getMessage());
        assertEquals(1, stub.findAll(postRequestedFor(urlEqualTo(PATH))).size(), "only the day before's call reached the endpoint");
    }

    @Test
    void identicalPromptsInOneCallAreAskedOnceAndEachGetsTheAnswer() throws Exception {
        answerEveryQuestion(2, TOGETHER_MODEL);
        List<List<ChatMessage>> prompts = new ArrayList<>(questions(2));
        prompts.add(prompts.get(0));

        assertEquals(List.of(answerTo(0), answerTo(1), answerTo(0)),
                client().answerAll(TENANT, together(), prompts, Decoding.greedy(16)));
        assertEquals(1, requestsFor(0));
    }

    @Test
    void anEmptyAnswerIsAnAnswer() throws Exception {
        stub.stubFor(post(urlEqualTo(PATH)).willReturn(completion(TOGETHER_MODEL, "")));
        assertEquals(List.of(""), client().answerAll(TENANT, together(), questions(1), Decoding.greedy(16)));
    }

    @Test
    void unusedKeyIsNeverSentAndJournalHasNoAuthorizationWithoutOne() throws Exception {
        answerEveryQuestion(1, "local");
        Endpoint vllm = new Endpoint(ProviderKind.OPENAI_COMPATIBLE, stub.baseUrl() + "/v1/", "local", null);
        client().answerAll(TENANT, vllm, questions(1), Decoding.greedy(4));
        List<LoggedRequest> requests = stub.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertEquals(1, requests.size());
        assertTrue(!requests.get(0).containsHeader("Authorization"));
    }

    @Test
    void inferenceServiceIsAskedWithASignedIdentityPerRequestAndNoKey() throws Exception {
        answerEveryQuestion(3, "mv-1");
        java.util.concurrent.atomic.AtomicInteger minted = new java.util.concurrent.atomic.AtomicInteger();
        Endpoint door = Endpoint.door(stub.baseUrl() + "/v1", "mv-1", () -> "identity-" + minted.incrementAndGet());
        client().answerAll(TENANT, door, questions(3), Decoding.greedy(4));
        List<LoggedRequest> requests = stub.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertEquals(3, requests.size());
        assertEquals(3, minted.get(), "one identity per request: none outlives an evaluation");
        assertTrue(requests.stream().noneMatch(r -> r.containsHeader("Authorization")));
        assertEquals(java.util.Set.of("identity-1", "identity-2", "identity-3"), requests.stream()
                .map(r -> r.getHeader(dev.refinery.identity.IdentityTokens.HEADER)).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void aModelInferenceServiceDoesNotKnowYetIsAskedAgainUntilItDoes() throws Exception {
        stub.stubFor(post(urlEqualTo(PATH)).inScenario("read model").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(404, "The model 'mv-2' does not exist.", "invalid_request_error", "model_not_found")).willSetStateTo("registered"));
        stub.stubFor(post(urlEqualTo(PATH)).inScenario("read model").whenScenarioStateIs("registered")
                .willReturn(completion("mv-2", "known now")));
        Endpoint door = Endpoint.door(stub.baseUrl() + "/v1", "mv-2", () -> "identity");
        assertEquals(List.of("known now"), client().answerAll(TENANT, door, questions(1), Decoding.greedy(4)));
        assertEquals(1, waits.size(), "one wait, then the model was known");
    }
}
