package dev.refinery.inference;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's GPU server (a stub of vLLM's documented API) serves a base model: its adapters are copied into the shared
 * folder and loaded into it (vLLM's dynamic LoRA loading) on first use or on promotion, requests for them are routed there
 * whole or streamed, a model registered from the server is answered there, and its failures come back as 502 with its
 * code, never with the key.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(VllmServerStub.class)
class ServerRoutingTest {

    @Inject
    ObjectStorage storage;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private static final List<Map<String, String>> HI = List.of(Map.of("role", "user", "content", "Write a story about a girl named Mia."));

    @Test
    void anAdapterOfTheServersBaseModelIsLoadedIntoItOnceAndItsRequestsAreAnsweredThere() throws Exception {
        String tenant = "gpu-" + ServingFixtures.hex().substring(0, 8);
        TestIdentity.actAs(tenant);
        TopicProbe probe = new TopicProbe(kafka);
        String job = "ft-" + ServingFixtures.hex();
        String key = uploadAdapterFiles(job);
        String version = ServingFixtures.registerAdapter(probe, tenant, job, key, VllmServerStub.BASE);
        ServingFixtures.awaitListed(version);

        for (int i = 0; i < 2; i++) {
            given().contentType(ContentType.JSON).body(Map.of("model", version, "messages", HI, "temperature", 0))
                    .when().post("/v1/chat/completions").then().statusCode(200)
                    .body("choices[0].message.content", equalTo("Once upon a time, there was a little girl named Mia."));
        }
        List<LoggedRequest> loads = VllmServerStub.server.findAll(postRequestedFor(urlEqualTo("/v1/load_lora_adapter"))
                .withRequestBody(matchingJsonPath("$.lora_name", WireMock.equalTo(version))));
        assertEquals(1, loads.size(), "loaded once, then used");
        VllmServerStub.server.verify(postRequestedFor(urlEqualTo("/v1/load_lora_adapter")).withRequestBody(equalToJson(
                "{\"lora_name\": \"" + version + "\", \"lora_path\": \"" + VllmServerStub.SERVER_ADAPTER_DIR + "/" + version + "\"}")));
        assertTrue(Files.isRegularFile(VllmServerStub.adapterDir.resolve(version).resolve("adapter_config.json")),
                "the adapter's files are in the folder the server reads");
        VllmServerStub.server.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + VllmServerStub.KEY))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(version))));

        // Streamed: the server's events pass through as they come.
        Response stream = given().contentType(ContentType.JSON).body(Map.of("model", version, "messages", HI, "stream", true))
                .when().post("/v1/chat/completions");
        assertEquals(200, stream.statusCode());
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        assertTrue(stream.asString().contains("\"content\":\" a time\"") && stream.asString().trim().endsWith("data: [DONE]"), stream.asString());

        // The base model, by the name the server knows.
        given().contentType(ContentType.JSON).body(Map.of("model", VllmServerStub.BASE, "messages", HI)).when().post("/v1/chat/completions")
                .then().statusCode(200).body("choices[0].message.content", equalTo("the base model's answer"));
        given().contentType(ContentType.JSON).body(Map.of("model", VllmServerStub.BASE, "prompt", "Once upon a time")).when()
                .post("/v1/completions").then().statusCode(200).body("choices[0].text", equalTo(" there was a dog"));
                List<String> listed = given().when().get("/v1/models").then().statusCode(200).extract().jsonPath().getList("data.id");
        assertTrue(listed.contains(VllmServerStub.BASE) && listed.contains(version), listed.toString());
    }

    @Test
    void aModelRegisteredFromTheServerIsAnsweredThereAndItsFailuresAre502WithItsCode() {
        String tenant = "gpu-" + ServingFixtures.hex().substring(0, 8);
        TestIdentity.actAs(tenant);
        TopicProbe probe = new TopicProbe(kafka);
        String served = ServingFixtures.registerServerModel(probe, tenant, VllmServerStub.NAME, VllmServerStub.SERVED, VllmServerStub.BASE);
        String broken = ServingFixtures.registerServerModel(probe, tenant, VllmServerStub.NAME, VllmServerStub.BROKEN, VllmServerStub.BASE);
        String elsewhere = ServingFixtures.registerServerModel(probe, tenant, "no-such-server", "m", VllmServerStub.BASE);
        ServingFixtures.awaitListed(elsewhere);
        given().contentType(ContentType.JSON).body(Map.of("model", served, "messages", HI)).when().post("/v1/chat/completions")
                .then().statusCode(200).body("choices[0].message.content", equalTo("the served model's answer"));
        given().contentType(ContentType.JSON).body(Map.of("model", broken, "messages", HI)).when().post("/v1/chat/completions")
                .then().statusCode(502).body("error.code", equalTo("upstream_error"))
                .body("error.message", containsString("CUDA out of memory")).body("error.message", not(containsString(VllmServerStub.KEY)));
        given().contentType(ContentType.JSON).body(Map.of("model", elsewhere, "messages", HI)).when().post("/v1/chat/completions")
                .then().statusCode(400).body("error.code", equalTo("model_not_servable"))
                .body("error.message", containsString("refinery.inference.servers.no-such-server.url"));
    }

    @Test
    void aServersModelNamedDirectlyIsAnsweredThereAndAServerNotConfiguredHereIsUnknown() {
        TestIdentity.actAs("direct-" + ServingFixtures.hex().substring(0, 8));
        String direct = "endpoint:" + VllmServerStub.NAME + ":" + VllmServerStub.SERVED;
        given().contentType(ContentType.JSON).body(Map.of("model", direct, "messages", HI)).when().post("/v1/chat/completions")
                .then().statusCode(200).body("choices[0].message.content", equalTo("the served model's answer"));
        given().when().get("/v1/models/" + direct).then().statusCode(200).body("id", equalTo(direct))
                .body("owned_by", equalTo("endpoint:" + VllmServerStub.NAME));
        given().contentType(ContentType.JSON).body(Map.of("model", "endpoint:no-such-server:m", "messages", HI)).when()
                .post("/v1/chat/completions").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        given().contentType(ContentType.JSON).body(Map.of("model", "endpoint:" + VllmServerStub.NAME + ":", "messages", HI)).when()
                .post("/v1/chat/completions").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        // an adapter a server holds is loaded under its version's id: never reachable by that name, only through the registry
        given().contentType(ContentType.JSON).body(Map.of("model", "endpoint:" + VllmServerStub.NAME + ":mv-" + ServingFixtures.hex(),
                "messages", HI)).when().post("/v1/chat/completions").then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void whatAServerAnswersIsCapturedLikeWhatTheEngineAnswersWholeAndStreamedButNotWhatEvalServiceAsks() throws Exception {
        String tenant = "capture-gpu-" + ServingFixtures.hex().substring(0, 8);
        TestIdentity.actAs(tenant);
        given().contentType(ContentType.JSON).body(Map.of("enabled", true)).when().put("/v1/capture/settings").then().statusCode(200);
        String model = "endpoint:" + VllmServerStub.NAME + ":" + VllmServerStub.CAPTURED;
        String whole = given().contentType(ContentType.JSON).body(Map.of("model", model, "messages", HI)).when()
                .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath().getString("id");
        given().header(dev.refinery.identity.IdentityTokens.HEADER, TestIdentity.tokens().mint(dev.refinery.identity.Caller.serviceFor(
                "eval-service", tenant))).contentType(ContentType.JSON).body(Map.of("model", model, "messages", HI)).when()
                .post("/v1/chat/completions").then().statusCode(200);
        String stream = given().contentType(ContentType.JSON).body(Map.of("model", model, "messages", HI, "stream", true,
                "stream_options", Map.of("include_usage", true))).when().post("/v1/chat/completions").then().statusCode(200).extract().asString();
        String streamed = io.restassured.path.json.JsonPath.from(stream.lines().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow()
                .substring("data: ".length())).getString("id");
        assertTrue(whole.startsWith("chatcmpl-") && !whole.equals(streamed), whole + " " + streamed);

        io.restassured.path.json.JsonPath records = null;
        for (int i = 0; i < 200 && (records == null || records.getList("$").size() < 2); i++) {
            Thread.sleep(100); // capture runs after the answer, on a thread of its own
            records = given().when().get("/v1/capture/records").then().statusCode(200).extract().jsonPath();
        }
        Thread.sleep(500); // and in order: had eval-service's request been captured, it would be there by now
        records = given().when().get("/v1/capture/records").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(streamed, whole), records.getList("id"), records.prettify());
        assertEquals(List.of("Once upon a time", "Once upon a time"), records.getList("output"));
        assertEquals(List.of(model, model), records.getList("model"));
        assertEquals(List.of(true, false), records.getList("streamed"));
        assertEquals(List.of("stop", "length"), records.getList("finishReason"));
        assertEquals(List.of(9, 9), records.getList("promptTokens"));
        assertEquals(List.of(3, 4), records.getList("completionTokens"));
        assertEquals("user", records.getString("[0].messages[0].role"));
    }

    @Test
    void aPromotedAdapterIsLoadedAheadOfItsFirstRequestAndLoadedAgainWhenTheServerForgotIt() throws Exception {
        String tenant = "gpu-" + ServingFixtures.hex().substring(0, 8);
        TestIdentity.actAs(tenant);
        TopicProbe probe = new TopicProbe(kafka);
        String job = "ft-" + ServingFixtures.hex();
        String key = uploadAdapterFiles(job);
        String version = ServingFixtures.registerAdapter(probe, tenant, job, key, VllmServerStub.BASE);
        ServingFixtures.promote(probe, tenant, "champion", version, job, key, VllmServerStub.BASE);
        awaitLoaded(version, 1);

        // The server restarted and forgot the adapter: its first answer is 404; the adapter is loaded again, the request answered.
        String scenario = "restart-" + version;
        VllmServerStub.server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(0).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).withRequestBody(matchingJsonPath("$.model",
                        WireMock.equalTo(version)))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"The model `" + version + "` does not exist.\",\"code\":404}}"))
                .willSetStateTo("answered"));
        given().contentType(ContentType.JSON).body(Map.of("model", "champion", "messages", HI)).when().post("/v1/chat/completions")
                .then().statusCode(200).body("choices[0].message.content", equalTo("Once upon a time, there was a little girl named Mia."));
        awaitLoaded(version, 2);
    }

    /** Files that look like a PEFT adapter to a server (the stub does not read them). */
    private String uploadAdapterFiles(String job) {
        String prefix = "jobs/" + job + "/adapter/";
        storage.put(prefix + "adapter_config.json", "{\"peft_type\": \"LORA\", \"r\": 8}".getBytes(StandardCharsets.UTF_8), "application/json");
        storage.put(prefix + "adapter_model.safetensors", new byte[] {1, 2, 3}, "application/octet-stream");
        return prefix;
    }

    private static void awaitLoaded(String version, int times) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (VllmServerStub.server.findAll(postRequestedFor(urlEqualTo("/v1/load_lora_adapter")).withRequestBody(matchingJsonPath(
                "$.lora_name", WireMock.equalTo(version)))).size() < times) {
            assertTrue(System.nanoTime() < deadline, version + " was not loaded " + times + " time(s)");
            Thread.sleep(200);
        }
    }
}
