package dev.refinery.eval.inference;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.refinery.eval.service.EvaluationFailure;
import dev.refinery.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

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

/**
 * The service's inference client with its cache in the real PostgreSQL (the V5 table in the eval schema): a
 * re-evaluation with the same model, prompts and decoding pays for nothing; anything else that decides the answer,
 * or another tenant, asks again; a failed answer is never cached.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class InferenceCacheTest {

    @Inject
    InferenceClient client;

    @Inject
    DataSource dataSource;

    private WireMockServer stub;

    @BeforeEach
    void start() {
        stub = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        stub.start();
    }

    @AfterEach
    void stop() {
        stub.stop();
    }

    private int requests() {
        return stub.findAll(postRequestedFor(urlEqualTo(PATH))).size();
    }

    @Test
    void aSecondIdenticalCallIsAnsweredFromTheDatabaseWithoutAnyRequest() throws Exception {
        // A model name of its own per run, so that rows left by an earlier run of this test cannot answer for it.
        String model = "acme/support-" + UUID.randomUUID();
        Endpoint together = new Endpoint(ProviderKind.TOGETHER, stub.baseUrl() + "/v1", model, "tok-key");
        for (int i = 0; i < 5; i++) {
            stub.stubFor(forQuestion(i).willReturn(completion(model, answerTo(i))));
        }
        List<String> expected = List.of(answerTo(0), answerTo(1), answerTo(2), answerTo(3), answerTo(4));

        assertEquals(expected, client.answerAll("tenant-a", together, questions(5), Decoding.greedy(32)));
        assertEquals(5, requests());
        assertEquals(5, rowsFor(model));

        assertEquals(expected, client.answerAll("tenant-a", together, questions(5), Decoding.greedy(32)));
        assertEquals(5, requests(), "the second call made no request");

        // One more prompt: only it is asked.
        stub.stubFor(forQuestion(5).willReturn(completion(model, answerTo(5))));
        assertEquals(answerTo(5), client.answerAll("tenant-a", together, questions(6), Decoding.greedy(32)).get(5));
        assertEquals(6, requests());

        // Other decoding, or another tenant: not the same question, or not theirs to read.
        client.answerAll("tenant-a", together, questions(2), Decoding.greedy(33));
        assertEquals(8, requests());
        client.answerAll("tenant-b", together, questions(2), Decoding.greedy(32));
        assertEquals(10, requests());
    }

    @Test
    void aFailedAnswerIsNotCached() throws Exception {
        String model = "acme/gone-" + UUID.randomUUID();
        Endpoint together = new Endpoint(ProviderKind.TOGETHER, stub.baseUrl() + "/v1", model, "tok-key");
        stub.stubFor(post(urlEqualTo(PATH)).willReturn(error(404, "The model does not exist", "invalid_request_error", "model_not_found")));

        EvaluationFailure failure = assertThrows(EvaluationFailure.class,
                () -> client.answerAll("tenant-a", together, questions(1), Decoding.greedy(32)));

        assertEquals(InferenceErrorCodes.MODEL_GONE, failure.code());
        assertEquals(0, rowsFor(model));
    }

    private int rowsFor(String model) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM inference_output WHERE model = ?")) {
            count.setString(1, model);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
