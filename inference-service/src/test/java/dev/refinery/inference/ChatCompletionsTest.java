package dev.refinery.inference;

import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI-compatible API over the engine: a fine-tune of the example task, registered and promoted by eval-service's
 * events, answers as its alias, its version and its job, whole and streamed, each with its usage; the base model answers
 * by its own name; and every bad request gets OpenAI's error shape with a stable code and the field at fault.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class ChatCompletionsTest {

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private String tenant;
    private String job;
    private String version;

    @BeforeEach
    void aPromotedFineTune() {
        tenant = "serve-" + ServingFixtures.hex().substring(0, 8);
        TestIdentity.actAs(tenant);
        TopicProbe probe = new TopicProbe(kafka);
        job = "ft-" + ServingFixtures.hex();
        String key = ServingFixtures.uploadAdapter(storage, job, 4);
        version = ServingFixtures.registerAdapter(probe, tenant, job, key);
        ServingFixtures.promote(probe, tenant, "champion", version, job, key);
        ServingFixtures.awaitListed("champion");
    }

    @Test
    void theChampionAnswersInTheTasksFormatAsItsAliasVersionAndJobWithItsUsage() {
        given().when().get("/v1/models").then().statusCode(200).body("object", equalTo("list"))
                .body("data.id", hasItems("champion", version, "stories260K")).body("data[0].object", equalTo("model"));
        String answer = null;
        for (String name : List.of("champion", version, job)) {
            JsonPath r = chat(Map.of("model", name, "temperature", 0, "max_tokens", 40,
                    "messages", List.of(Map.of("role", "user", "content", ServingFixtures.STORY_REQUEST))))
                    .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
            assertEquals("chat.completion", r.getString("object"));
            assertEquals(version, r.getString("model"), "the version that answered");
            String content = r.getString("choices[0].message.content");
            assertTrue(content.startsWith("Once upon a time, there was a little girl named"), content);
            assertTrue(r.getInt("usage.prompt_tokens") > 0 && r.getInt("usage.completion_tokens") > 0, r.prettify());
            assertEquals(r.getInt("usage.prompt_tokens") + r.getInt("usage.completion_tokens"), r.getInt("usage.total_tokens"));
            if (answer != null) {
                assertEquals(answer, content, "greedy: the same answer whatever it is called");
            }
            answer = content;
        }
        // The base model, by its own name, does not know the task's format.
        String base = chat(Map.of("model", "stories260K", "temperature", 0, "max_tokens", 40,
                "messages", List.of(Map.of("role", "user", "content", ServingFixtures.STORY_REQUEST)))).then().statusCode(200)
                .extract().path("choices[0].message.content");
        assertTrue(!base.equals(answer), "the adapter changes the answer: " + base);
    }

    @Test
    void aStreamedAnswerComesInOpenAisChunksAndEqualsTheWholeOne() {
        Map<String, Object> request = Map.of("model", "champion", "temperature", 0, "max_tokens", 30,
                "messages", List.of(Map.of("role", "user", "content", ServingFixtures.STORY_REQUEST)));
        JsonPath whole = chat(request).then().statusCode(200).extract().jsonPath();
        Map<String, Object> streamed = new java.util.HashMap<>(request);
        streamed.put("stream", true);
        streamed.put("stream_options", Map.of("include_usage", true));
        Response r = chat(streamed);
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        List<String> data = new ArrayList<>();
        for (String line : r.asString().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        }
        assertEquals("[DONE]", data.get(data.size() - 1));
        JsonPath first = JsonPath.from(data.get(0));
        assertEquals("chat.completion.chunk", first.getString("object"));
        assertEquals("assistant", first.getString("choices[0].delta.role"));
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonPath usage = null;
        for (String d : data.subList(1, data.size() - 1)) {
            JsonPath chunk = JsonPath.from(d);
            if (chunk.getList("choices").isEmpty()) {
                usage = chunk;
                continue;
            }
            String piece = chunk.getString("choices[0].delta.content");
            text.append(piece == null ? "" : piece);
            finish = chunk.getString("choices[0].finish_reason") != null ? chunk.getString("choices[0].finish_reason") : finish;
        }
        assertEquals(whole.getString("choices[0].message.content"), text.toString());
        assertEquals(whole.getString("choices[0].finish_reason"), finish);
        assertTrue(usage != null, "include_usage: a last chunk with the usage");
        assertEquals(whole.getInt("usage.total_tokens"), usage.getInt("usage.total_tokens"));
    }

    @Test
    void badRequestsGetOpenAisErrorShapeWithTheirCodeAndField() {
        List<Map<String, String>> hi = List.of(Map.of("role", "user", "content", "hi"));
        refused(Map.of("model", "no-such-model", "messages", hi), 404, "model_not_found", "model");
        refused(Map.of("model", "champion", "messages", hi, "tools", List.of(Map.of("type", "function"))), 400, "unsupported_parameter", "tools");
        refused(Map.of("model", "champion", "messages", hi, "n", 2), 400, "unsupported_value", "n");
        refused(Map.of("model", "champion", "messages", hi, "temperature", 3), 400, "invalid_value", "temperature");
        refused(Map.of("model", "champion", "messages", List.of(Map.of("role", "robot", "content", "hi"))), 400, "invalid_message",
                "messages[0].role");
        refused(Map.of("model", "champion", "messages", hi, "max_tokens", 100_000), 400, "context_length_exceeded", "messages");
        refused(Map.of("model", "champion", "messages", List.of(Map.of("role", "user", "content", "story ".repeat(600)))), 400,
                "context_length_exceeded", "messages");
        refused(Map.of("messages", hi), 400, "missing_model", "model");
        given().contentType(ContentType.JSON).body("{\"model\": ").when().post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("invalid_json"));
        refused(Map.of("model", "bad\u0000name", "messages", hi), 400, "invalid_value", "model");
        // Another project's version, job and alias are as unknown as ones that do not exist, and not listed.
        String other = TestIdentity.header("someone-else", Scope.WRITE);
        for (String name : List.of(version, job, "champion")) {
            given().header(IdentityTokens.HEADER, other).contentType(ContentType.JSON).body(Map.of("model", name, "messages", hi))
                    .when().post("/v1/chat/completions").then().statusCode(404).body("error.code", equalTo("model_not_found"));
            given().header(IdentityTokens.HEADER, other).when().get("/v1/models/" + name).then().statusCode(404)
                    .body("error.code", equalTo("model_not_found"));
        }
        List<String> theirs = given().header(IdentityTokens.HEADER, other).when().get("/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("data.id");
        assertTrue(!theirs.contains(version) && !theirs.contains("champion") && theirs.contains("stories260K"), theirs.toString());
        given().when().get("/v1/models/champion").then().statusCode(200).body("id", equalTo("champion")).body("owned_by", equalTo(tenant));
        // A model its provider keeps is named, not served: proxying to providers is not built yet.
        String hosted = ServingFixtures.registerProviderModel(new TopicProbe(kafka), tenant);
        ServingFixtures.awaitListed(hosted);
        refused(Map.of("model", hosted, "messages", hi), 400, "model_not_servable", "model");
        // top_p 0 (like temperature 0) asks for the likeliest token: the same answer twice.
        Map<String, Object> likeliest = Map.of("model", "champion", "top_p", 0, "max_tokens", 12, "messages", hi);
        assertEquals(chat(likeliest).then().statusCode(200).extract().path("choices[0].message.content").toString(),
                chat(likeliest).then().statusCode(200).extract().path("choices[0].message.content").toString());
    }

    @Test
    void aTextCompletionContinuesThePromptWholeOrStreamedAndRefusesWhatItCannotDo() {
        Map<String, Object> request = Map.of("model", "stories260K", "prompt", "Once upon a time", "temperature", 0, "max_tokens", 20);
        JsonPath whole = given().contentType(ContentType.JSON).body(request).when().post("/v1/completions").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("text_completion", whole.getString("object"));
        assertEquals("stories260K", whole.getString("model"));
        String text = whole.getString("choices[0].text");
        assertTrue(!text.isEmpty(), whole.prettify());
        int tokens = whole.getInt("usage.completion_tokens");
        assertEquals(tokens == 20 ? "length" : "stop", whole.getString("choices[0].finish_reason"), whole.prettify());
        assertTrue(tokens >= 1 && tokens <= 20 && whole.getInt("usage.prompt_tokens") > 1, "BOS and the prompt's tokens: " + whole.prettify());
        // Without max_tokens, OpenAI's default of 16 for this endpoint.
        JsonPath shortOne = given().contentType(ContentType.JSON).body(Map.of("model", "stories260K", "prompt", "Once upon a time",
                "temperature", 0)).when().post("/v1/completions").then().statusCode(200).extract().jsonPath();
        assertTrue(shortOne.getInt("usage.completion_tokens") <= 16, shortOne.prettify());
        assertTrue(text.startsWith(shortOne.getString("choices[0].text")), "greedy: the shorter answer begins the longer one");

        Map<String, Object> streamed = new java.util.HashMap<>(request);
        streamed.put("stream", true);
        String events = given().contentType(ContentType.JSON).body(streamed).when().post("/v1/completions").then().statusCode(200)
                .extract().asString();
        StringBuilder pieces = new StringBuilder();
        for (String line : events.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonPath chunk = JsonPath.from(line.substring("data: ".length()));
                assertEquals("text_completion", chunk.getString("object"));
                pieces.append(chunk.getString("choices[0].text"));
            }
        }
        assertEquals(text, pieces.toString());
        assertTrue(events.trim().endsWith("data: [DONE]"), events);

        given().contentType(ContentType.JSON).body(Map.of("model", "stories260K", "prompt", "x", "echo", true)).when()
                .post("/v1/completions").then().statusCode(400).body("error.code", equalTo("unsupported_parameter"))
                .body("error.param", equalTo("echo"));
        given().contentType(ContentType.JSON).body(Map.of("model", "stories260K", "prompt", List.of(1, 2, 3))).when()
                .post("/v1/completions").then().statusCode(400).body("error.code", equalTo("unsupported_value"))
                .body("error.param", equalTo("prompt"));
        given().contentType(ContentType.JSON).body(Map.of("model", "stories260K", "prompt", "story ".repeat(600))).when()
                .post("/v1/completions").then().statusCode(400).body("error.code", equalTo("context_length_exceeded"))
                .body("error.param", equalTo("prompt"));
    }

    private static Response chat(Map<String, ?> request) {
        return given().contentType(ContentType.JSON).body(request).when().post("/v1/chat/completions");
    }

    private static void refused(Map<String, ?> request, int status, String code, String param) {
        chat(request).then().statusCode(status).contentType(ContentType.JSON).body("error.code", equalTo(code))
                .body("error.param", equalTo(param)).body("error.type", equalTo("invalid_request_error"));
    }
}
