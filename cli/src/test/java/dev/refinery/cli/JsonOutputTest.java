package dev.refinery.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --json prints the gateway's answer as JSON; without it, the human form; and the requests the options make. */
class JsonOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OBJECT = "{\"id\":\"x-1\",\"status\":\"RUNNING\",\"progress\":{\"step\":3,\"totalSteps\":10},"
            + "\"tags\":[\"a\",\"b\"],\"items\":[{\"n\":1,\"text\":\"one\"},{\"n\":2,\"text\":\"two\"}]}";
    private static final String ARRAY = "[{\"id\":\"x-1\",\"status\":\"RUNNING\"},{\"id\":\"x-2\",\"status\":\"SUCCEEDED\",\"extra\":true}]";

    /** Each read command, and the request it makes. */
    private static final List<List<String>> READS = List.of(
            List.of("GET /v1/me", "me"),
            List.of("GET /v1/datasets", "datasets", "list"),
            List.of("GET /v1/datasets?limit=5", "datasets", "list", "--limit", "5"),
            List.of("GET /v1/datasets/ds-1", "datasets", "get", "ds-1"),
            List.of("GET /v1/datasets/ds-1/problems", "datasets", "problems", "ds-1"),
            List.of("GET /v1/fine-tunes", "fine-tunes", "list"),
            List.of("GET /v1/fine-tunes/ft-1", "fine-tunes", "get", "ft-1"),
            List.of("GET /v1/fine-tunes/ft-1/events", "fine-tunes", "events", "ft-1"),
            List.of("GET /v1/fine-tunes/ft-1/metrics", "fine-tunes", "metrics", "ft-1"),
            List.of("GET /v1/fine-tunes/ft-1/checkpoints", "fine-tunes", "checkpoints", "ft-1"),
            List.of("GET /v1/evals?jobId=ft-1", "evals", "list", "ft-1"),
            List.of("GET /v1/evals", "evals", "list"),
            List.of("GET /v1/evals/ev-1", "evals", "get", "ev-1"),
            List.of("GET /v1/evals/ev-1/items?limit=2&offset=4", "evals", "items", "ev-1", "--limit", "2", "--offset", "4"),
            List.of("GET /v1/registry/models", "models", "list"),
            List.of("GET /v1/registry/models/mv-1", "models", "get", "mv-1"),
            List.of("GET /v1/registry/aliases", "models", "aliases"),
            List.of("GET /v1/registry/aliases/champion", "models", "alias", "champion"),
            List.of("GET /v1/registry/policy", "models", "policy"),
            List.of("GET /v1/keys?project=team-a", "keys", "list", "--project", "team-a"),
            List.of("GET /v1/projects", "projects", "list"),
            List.of("GET /v1/audit?action=job.cancelled", "audit", "list", "--action", "job.cancelled"),
            List.of("GET /v1/webhooks", "webhooks", "list"),
            List.of("GET /v1/webhooks/wh-1", "webhooks", "get", "wh-1"),
            List.of("GET /v1/webhooks/wh-1/deliveries", "webhooks", "deliveries", "wh-1"),
            List.of("GET /v1/graders", "graders", "list"),
            List.of("GET /v1/graders/tone", "graders", "get", "tone"),
            List.of("GET /v1/capture/settings", "capture", "settings"),
            List.of("GET /v1/capture/records?limit=10", "capture", "records", "--limit", "10"),
            List.of("GET /v1/collections", "collections", "list"),
            List.of("GET /v1/collections/col-1", "collections", "get", "col-1"),
            List.of("GET /v1/collections/col-1/rejections", "collections", "rejections", "col-1"),
            List.of("GET /v1/collections/col-1/versions", "collections", "versions", "col-1"),
            List.of("GET /v1/pipelines", "pipelines", "list"),
            List.of("GET /v1/pipelines/pl-1", "pipelines", "get", "pl-1"),
            List.of("GET /v1/pipelines/pl-1/runs", "pipelines", "runs", "pl-1"));

    @Test
    void everyReadCommandPrintsParseableJsonWithJsonAndAHumanFormWithout() throws Exception {
        for (List<String> read : READS) {
            String answer = read.get(0).contains("list") || read.get(0).endsWith("s") ? ARRAY : OBJECT;
            try (FakeGateway gateway = new FakeGateway().on(read.get(0), answer)) {
                String[] args = read.subList(1, read.size()).toArray(String[]::new);
                CliRun json = CliRun.run(withGateway(gateway, args, "--json"));
                assertEquals(0, json.code(), read + ": " + json.err());
                assertEquals(JSON.readTree(answer), JSON.readTree(json.out()), read + " prints the gateway's answer");
                assertEquals(List.of(read.get(0)), gateway.seen());

                CliRun human = CliRun.run(withGateway(gateway, args));
                assertEquals(0, human.code(), read + ": " + human.err());
                assertTrue(human.out().contains("x-1"), read + ": " + human.out());
                assertFalse(human.out().strip().startsWith("{") || human.out().strip().startsWith("["), read + ": " + human.out());
            }
        }
    }

    @Test
    void theVerbsThatAreOneRequestSendIt() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("POST /v1/fine-tunes/ft-1/cancel", "{\"id\":\"ft-1\",\"status\":\"CANCELLED\"}")
                .on("POST /v1/webhooks/wh-1/deliveries/dl-2/redeliver", "{\"id\":\"dl-3\"}")
                .on("DELETE /v1/keys/key-1", "{\"id\":\"key-1\",\"revoked\":true}")) {
            assertEquals("CANCELLED", JSON.readTree(CliRun.run("--gateway", gateway.url(), "fine-tunes", "cancel", "ft-1", "--json").out())
                    .get("status").asText());
            assertEquals(0, CliRun.run("--gateway", gateway.url(), "webhooks", "redeliver", "wh-1", "dl-2").code());
            assertEquals(0, CliRun.run("--gateway", gateway.url(), "keys", "revoke", "key-1").code());
            assertEquals(List.of("POST /v1/fine-tunes/ft-1/cancel {}", "POST /v1/webhooks/wh-1/deliveries/dl-2/redeliver {}",
                    "DELETE /v1/keys/key-1"), gateway.seen());
            CliRun missing = CliRun.run("--gateway", gateway.url(), "webhooks", "redeliver", "wh-1");
            assertEquals(64, missing.code());
            assertTrue(missing.err().contains("Missing required parameter: 'DELIVERY_ID'"), missing.err());
        }
    }

    @Test
    void aListIsAnAlignedTableAndAnObjectIsKeyValueLines() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("GET /v1/fine-tunes", ARRAY).on("GET /v1/fine-tunes/ft-1", OBJECT)) {
            assertEquals("""
                    ID   STATUS     EXTRA
                    x-1  RUNNING    -
                    x-2  SUCCEEDED  true
                    """, CliRun.run("--gateway", gateway.url(), "fine-tunes", "list").out());
            assertEquals("""
                    id:                  x-1
                    status:              RUNNING
                    progress.step:       3
                    progress.totalSteps: 10
                    tags:                a, b

                    items (2):
                      N  TEXT
                      1  one
                      2  two
                    """, CliRun.run("fine-tunes", "get", "ft-1", "--gateway", gateway.url()).out());
        }
    }

    @Test
    void uploadOptionsBecomeTheApisQueryParametersAndTheBarShowsTheBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data.jsonl");
        Files.writeString(file, "{\"text\":\"hello\"}\n");
        try (FakeGateway gateway = new FakeGateway()
                .on("POST /v1/datasets?name=support-bot&target=together&model=llama-3.1-8b&splits=90%2F10&overContext=drop&epochs=3&testSet=ds-1",
                        new FakeGateway.Answer(201, "{\"id\":\"ds-9\",\"bytes\":17}"))) {
            CliRun r = CliRun.run("--gateway", gateway.url(), "datasets", "upload", file.toString(), "support-bot", "--target", "together",
                    "--model", "llama-3.1-8b", "--splits", "90/10", "--over-context", "drop", "--epochs", "3", "--test-set", "ds-1", "--progress");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("id:    ds-9"), r.out());
            assertTrue(r.err().contains("upload data.jsonl  [") && r.err().contains("100%  17 B / 17 B"), r.err());
            assertTrue(gateway.seen().get(0).endsWith(" {\"text\":\"hello\"}\n"), "the file is the body: " + gateway.seen());

            CliRun quiet = CliRun.run("--gateway", gateway.url(), "datasets", "upload", file.toString(), "support-bot", "--target", "together",
                    "--model", "llama-3.1-8b", "--splits", "90/10", "--over-context", "drop", "--epochs", "3", "--test-set", "ds-1",
                    "--progress", "--json");
            assertEquals("", quiet.err(), "no bar with --json");
            assertEquals("ds-9", JSON.readTree(quiet.out()).get("id").asText());

            CliRun unknown = CliRun.run("--gateway", gateway.url(), "datasets", "upload", file.toString(), "--colour", "red");
            assertEquals(64, unknown.code());
            CliRun noValue = CliRun.run("--gateway", gateway.url(), "datasets", "upload", file.toString(), "--target");
            assertEquals(64, noValue.code());
            assertTrue(noValue.err().contains("Missing required parameter for option '--target'"), noValue.err());
            assertEquals(2, gateway.seen().size(), "nothing sent for a bad command line");
        }
    }

    @Test
    void estimateOptionsBecomeAJsonBodyWithNumbers() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("POST /v1/estimates", "{\"expectedUsd\":1.5}")) {
            CliRun r = CliRun.run("--gateway", gateway.url(), "estimates", "create", "--backend", "together", "--model", "llama-3.1-8b",
                    "--training-tokens", "2000000", "--epochs", "3");
            assertEquals(0, r.code(), r.err());
            assertEquals(JSON.readTree("{\"backend\":\"together\",\"model\":\"llama-3.1-8b\",\"epochs\":3,\"trainingTokens\":2000000}"),
                    JSON.readTree(gateway.seen().get(0).substring("POST /v1/estimates ".length())));
            CliRun three = CliRun.run("--gateway", gateway.url(), "estimates", "create", "--epochs", "three");
            assertEquals(64, three.code());
            assertTrue(three.err().contains("'three' is not a long"), three.err());
        }
    }

    @Test
    void fineTuneOptionsBecomeTheJobSpecWithTypedHyperparameters() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("POST /v1/fine-tunes", new FakeGateway.Answer(201, "{\"id\":\"ft-1\"}"))) {
            CliRun r = CliRun.run("--gateway", gateway.url(), "fine-tunes", "create", "ds-1", "stories260K", "--method", "dpo", "--from-job",
                    "ft-9", "--set", "epochs=3", "--set", "dpoBeta=0.2", "--set", "trainOnInputs=false", "--set", "loraTargets=q,v",
                    "--budget", "12.50", "--idempotency-key", "k-1");
            assertEquals(0, r.code(), r.err());
            assertEquals(JSON.readTree("{\"datasetId\":\"ds-1\",\"baseModel\":\"stories260K\",\"method\":\"dpo\",\"fromJob\":\"ft-9\","
                    + "\"budgetUsd\":12.50,\"hyperparameters\":{\"epochs\":3,\"dpoBeta\":0.2,\"trainOnInputs\":false,\"loraTargets\":\"q,v\"}}"),
                    JSON.readTree(gateway.seen().get(0).substring("POST /v1/fine-tunes ".length())));
            assertEquals(0, CliRun.run("--gateway", gateway.url(), "fine-tunes", "create", "ds-2").code());
            assertEquals("POST /v1/fine-tunes {\"datasetId\":\"ds-2\"}", gateway.seen().get(1),
                    "nothing but the dataset: every setting is the service's default, recorded as such");
            for (String[] bad : List.of(new String[]{"fine-tunes", "create"}, new String[]{"fine-tunes", "create", "ds-1", "--set", "epochs"},
                    new String[]{"fine-tunes", "create", "ds-1", "--budget", "ten"}, new String[]{"fine-tunes", "create", "ds-1", "--colour", "red"})) {
                CliRun refused = CliRun.run(withGateway(gateway, bad));
                assertEquals(64, refused.code(), List.of(bad) + ": " + refused.err());
                assertEquals(1, refused.err().lines().count(), refused.err());
            }
            assertEquals(2, gateway.seen().size(), "nothing sent for a bad command line");
        }
    }

    @Test
    void aListOfNothingAndAnEmptyAnswerReadAsSuch() throws Exception {
        try (FakeGateway gateway = new FakeGateway().on("GET /v1/webhooks", "[]").on("DELETE /v1/webhooks/wh-1", new FakeGateway.Answer(200, ""))) {
            assertEquals("(none)\n", CliRun.run("--gateway", gateway.url(), "webhooks", "list").out());
            assertEquals("deleted wh-1\n", CliRun.run("--gateway", gateway.url(), "webhooks", "delete", "wh-1").out());
            assertEquals(Map.of("deleted", "wh-1"), JSON.convertValue(JSON.readTree(
                    CliRun.run("--gateway", gateway.url(), "webhooks", "delete", "wh-1", "--json").out()), Map.class));
        }
    }

    private static String[] withGateway(FakeGateway gateway, String[] args, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of("--gateway", gateway.url()));
        all.addAll(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
