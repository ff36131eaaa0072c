package dev.refinery.inference;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.localstack.LocalStackTestResource;
import dev.refinery.testing.TestIdentity;
import dev.refinery.testing.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Shadow trials: a pipeline's run (a service acting for the project) opens one on the champion alias; the alias's live
 * requests are answered by the champion as always and, after that, by the challenger too, and a judge (both on an operator's
 * server stub) compares the answers both ways until enough pairs are judged or the time is up.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(VllmServerStub.class)
class ShadowTrialTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private static final List<Map<String, String>> HI = List.of(Map.of("role", "user", "content", "Write a story about a girl named Mia."));

    /** The champion and the challenger, both answered by the server stub, for a new project. */
    private record Served(String tenant, String champion, String challenger) {
    }

    private Served servedProject() {
        String tenant = "shadow-" + ServingFixtures.hex().substring(0, 8);
        TestIdentity.actAs(tenant);
        TopicProbe probe = new TopicProbe(kafka);
        String champion = ServingFixtures.registerServerModel(probe, tenant, VllmServerStub.NAME, VllmServerStub.SERVED, VllmServerStub.BASE);
        String challenger = ServingFixtures.registerServerModel(probe, tenant, VllmServerStub.NAME, VllmServerStub.CHALLENGER, VllmServerStub.BASE);
        ServingFixtures.promoteServerModel(probe, tenant, "champion", champion, VllmServerStub.NAME, VllmServerStub.SERVED, VllmServerStub.BASE);
        ServingFixtures.awaitListed(challenger);
        ServingFixtures.awaitListed("champion");
        return new Served(tenant, champion, challenger);
    }

    private static RequestSpecification asPipeline(String tenant) {
        return given().header(IdentityTokens.HEADER, TestIdentity.tokens().mint(Caller.serviceFor("training-service", tenant)))
                .contentType(ContentType.JSON);
    }

    private static Map<String, Object> trial(String challenger, String judge, double share, int pairs, String within) {
        return Map.of("alias", "champion", "challenger", challenger, "judge", judge, "share", share, "pairs", pairs, "within", within);
    }

    private static void askChampion() {
        given().contentType(ContentType.JSON).body(Map.of("model", "champion", "messages", HI)).when().post("/v1/chat/completions")
                .then().statusCode(200).body("choices[0].message.content", equalTo("the served model's answer"));
    }

    private static JsonPath awaitEnded(String tenant, String id, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            JsonPath trial = asPipeline(tenant).when().get("/v1/shadow-trials/" + id).then().statusCode(200).extract().jsonPath();
            if (trial.getString("status").equals("ENDED")) {
                return trial;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("trial " + id + " never ended: " + trial.prettify());
            }
            Thread.sleep(200);
        }
    }

    private static int asked(String model) {
        return VllmServerStub.server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", WireMock.equalTo(model)))).size();
    }

    @Test
    void theChallengerAnswersTheAliassRequestsBesideTheChampionAndTheJudgeDecidesEachPairBothWays() throws Exception {
        Served p = servedProject();
        String id = "pr-" + ServingFixtures.hex();
        int challengerAsked = asked(VllmServerStub.CHALLENGER);
        int judgeAsked = asked(VllmServerStub.JUDGE);
        asPipeline(p.tenant()).body(trial(p.challenger(), "endpoint:" + VllmServerStub.NAME + ":" + VllmServerStub.JUDGE, 1.0, 3, "PT10M"))
                .when().put("/v1/shadow-trials/" + id).then().statusCode(200).body("status", equalTo("OPEN")).body("pairs", equalTo(3));
        asPipeline(p.tenant()).body(trial(p.challenger(), "endpoint:" + VllmServerStub.NAME + ":" + VllmServerStub.JUDGE, 0.5, 9, "PT1M"))
                .when().put("/v1/shadow-trials/" + id).then().statusCode(200).body("pairs", equalTo(3)).body("share", equalTo(1.0f));

        given().contentType(ContentType.JSON).body(Map.of("model", p.champion(), "messages", HI)).when().post("/v1/chat/completions")
                .then().statusCode(200); // the version by its id, not the alias: not the trial's traffic
        for (int i = 0; i < 3; i++) {
            askChampion();
        }
        JsonPath ended = awaitEnded(p.tenant(), id, Duration.ofSeconds(30));
        assertEquals(3, ended.getInt("wins"), ended.prettify());
        assertEquals(0, ended.getInt("losses"));
        assertEquals(0, ended.getInt("ties"));
        assertEquals(1.0, ended.getDouble("winRate"));
        assertEquals("3 pairs judged", ended.getString("endReason"));
        assertEquals(challengerAsked + 3, asked(VllmServerStub.CHALLENGER), "the challenger answered each mirrored request once");
        assertEquals(judgeAsked + 6, asked(VllmServerStub.JUDGE), "the judge was asked each pair both ways");

        askChampion(); // after the end: answered, not mirrored
        Thread.sleep(500);
        assertEquals(challengerAsked + 3, asked(VllmServerStub.CHALLENGER));
        asPipeline(p.tenant()).when().get("/v1/shadow-trials/" + id).then().body("wins", equalTo(3));
        given().header(IdentityTokens.HEADER, TestIdentity.header("someone-else", dev.refinery.identity.Scope.ADMIN)).when()
                .get("/v1/shadow-trials/" + id).then().statusCode(404).body("code", equalTo("SHADOW_TRIAL_NOT_FOUND"));
    }

    @Test
    void aJudgeThatSaysNeitherAnswerDecidesNothingAndTheTrialEndsWhenItsTimeIsUp() throws Exception {
        Served p = servedProject();
        String id = "pr-" + ServingFixtures.hex();
        asPipeline(p.tenant()).body(trial(p.challenger(), "endpoint:" + VllmServerStub.NAME + ":" + VllmServerStub.UNSURE_JUDGE, 1.0, 2, "PT4S"))
                .when().put("/v1/shadow-trials/" + id).then().statusCode(200);
        askChampion();
        askChampion();
        JsonPath ended = awaitEnded(p.tenant(), id, Duration.ofSeconds(30));
        assertEquals(2, ended.getInt("unclear"), ended.prettify());
        assertEquals(0, ended.getInt("wins") + ended.getInt("losses") + ended.getInt("ties"));
        assertNull(ended.get("winRate"), "no pair judged, no win rate");
        assertEquals("time up after 0 of 2 pairs", ended.getString("endReason"));
    }

    @Test
    void onlyAPipelineOpensATrialAndABadOneIsRefusedFieldByField() {
        Served p = servedProject();
        String judge = "endpoint:" + VllmServerStub.NAME + ":" + VllmServerStub.JUDGE;
        given().contentType(ContentType.JSON).body(trial(p.challenger(), judge, 1.0, 3, "PT1M")).when().put("/v1/shadow-trials/pr-by-hand")
                .then().statusCode(403).body("code", equalTo("SHADOW_TRIAL_SERVICE_ONLY"));
        asPipeline(p.tenant()).body(trial(p.challenger(), judge, 1.5, 3, "PT1M")).when().put("/v1/shadow-trials/pr-x")
                .then().statusCode(422).body("code", equalTo("SHADOW_TRIAL_INVALID")).body("field", equalTo("share"));
        asPipeline(p.tenant()).body(trial(p.challenger(), judge, 0.5, 0, "PT1M")).when().put("/v1/shadow-trials/pr-x")
                .then().statusCode(422).body("field", equalTo("pairs"));
        asPipeline(p.tenant()).body(trial(p.challenger(), judge, 0.5, 3, "a day")).when().put("/v1/shadow-trials/pr-x")
                .then().statusCode(422).body("field", equalTo("within"));
        asPipeline(p.tenant()).body(trial(p.challenger(), "no-such-judge", 0.5, 3, "PT1M")).when().put("/v1/shadow-trials/pr-x")
                .then().statusCode(422).body("field", equalTo("judge"));
        asPipeline(p.tenant()).body(trial("mv-" + ServingFixtures.hex(), judge, 0.5, 3, "PT1M")).when().put("/v1/shadow-trials/pr-x")
                .then().statusCode(404).body("code", equalTo("SHADOW_CHALLENGER_UNKNOWN")).body("field", equalTo("challenger"));
        asPipeline("someone-else").body(trial(p.challenger(), judge, 0.5, 3, "PT1M")).when().put("/v1/shadow-trials/pr-x")
                .then().statusCode(404).body("code", equalTo("SHADOW_CHALLENGER_UNKNOWN")); // another project's version is unknown

        String first = "pr-" + ServingFixtures.hex();
        asPipeline(p.tenant()).body(trial(p.challenger(), judge, 0.5, 3, "PT1M")).when().put("/v1/shadow-trials/" + first)
                .then().statusCode(200);
        asPipeline(p.tenant()).body(trial(p.challenger(), judge, 0.5, 3, "PT1M")).when().put("/v1/shadow-trials/pr-second")
                .then().statusCode(409).body("code", equalTo("SHADOW_TRIAL_ALIAS_BUSY")); // one challenger per alias at a time
        given().when().delete("/v1/shadow-trials/" + first).then().statusCode(403).body("code", equalTo("SHADOW_TRIAL_SERVICE_ONLY"));
        asPipeline(p.tenant()).when().delete("/v1/shadow-trials/" + first + "?reason=its run failed").then().statusCode(200)
                .body("status", equalTo("ENDED")).body("endReason", equalTo("withdrawn: its run failed"));
        asPipeline(p.tenant()).body(trial(p.challenger(), judge, 0.5, 3, "PT1M")).when().put("/v1/shadow-trials/pr-second")
                .then().statusCode(200).body("status", equalTo("OPEN"));
    }
}
