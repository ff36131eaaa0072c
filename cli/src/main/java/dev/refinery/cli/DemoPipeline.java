package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The example pipeline through the gateway: upload -> validation -> fine-tuning -> evaluation -> serving (the fine-tune
 * answers a request in the task's format through the OpenAI-compatible /v1/chat/completions), printing each step, ending
 * with one {@code RESULT <json>} line.
 */
public final class DemoPipeline {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the served fine-tune is asked: a request in the example task's format. */
    public static final String STORY_REQUEST = "Write a story about a girl named Mia.";

    private final GatewayClient gateway;
    private final PrintStream out;
    private final Duration stepTimeout;

    public DemoPipeline(GatewayClient gateway, PrintStream out, Duration stepTimeout) {
        this.gateway = gateway;
        this.out = out;
        this.stepTimeout = stepTimeout;
    }

    /** Fine-tuning settings the demo submits. */
    public static Map<String, Object> demoHyperparameters() {
        return Map.of("trainingType", "lora", "epochs", 5, "batchSize", 8, "learningRate", 0.005, "loraRank", 8, "loraAlpha", 16,
                "warmupRatio", 0.05, "seed", 42);
    }

    /** Runs the pipeline on a dataset file and returns the RESULT object (also printed). */
    public ObjectNode run(Path dataset, String baseModel, Map<String, Object> hyperparameters) {
        ObjectNode result = JSON.createObjectNode();
        out.println("== 1/5 upload " + dataset + " through the gateway");
        JsonNode ds = gateway.uploadDataset(dataset, "named-stories", null);
        String datasetId = ds.path("id").asText();
        out.printf("   dataset %s: %d bytes, %d lines, sha256 %s%n", datasetId, ds.path("bytes").asLong(), ds.path("lines").asLong(),
                ds.path("sha256").asText());
        result.put("datasetId", datasetId);

        out.println("== 2/5 validation (validation-service, on dataset-uploaded)");
        JsonNode validated = await("validation of " + datasetId, () -> gateway.get("v1/datasets/" + datasetId),
                d -> Set.of("VALID", "INVALID").contains(d.path("validation").path("status").asText()));
        JsonNode report = validated.path("validation");
        String validationStatus = report.path("status").asText();
        out.printf("   %s: %d records, %d valid, %d invalid; splits %s%n", validationStatus, report.path("records").asLong(),
                report.path("validRecords").asLong(), report.path("invalidRecords").asLong(), report.path("splits"));
        result.put("validation", validationStatus);
        if (!"VALID".equals(validationStatus)) {
            return finish(result);
        }

        out.println("== 3/5 fine-tune " + baseModel + " with LoRA on the local engine (training-service)");
        JsonNode job = submitJob(datasetId, baseModel, hyperparameters, null);
        String jobId = job.path("id").asText();
        out.println("   job " + jobId + " " + job.path("status").asText());
        result.put("jobId", jobId);
        String[] lastProgress = {""};
        JsonNode done = await("job " + jobId, () -> gateway.get("v1/fine-tunes/" + jobId), j -> {
            String line = progressLine(j);
            if (!line.equals(lastProgress[0])) {
                out.println("   " + line);
                lastProgress[0] = line;
            }
            return Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(j.path("status").asText());
        });
        String jobStatus = done.path("status").asText();
        result.put("jobStatus", jobStatus);
        if (!"SUCCEEDED".equals(jobStatus)) {
            result.put("failureReason", done.path("failureReason").asText(done.path("result").path("failureReason").asText()));
            return finish(result);
        }

        out.println("== 4/5 evaluate base vs fine-tuned on the held-out test split (eval-service, on job-completed)");
        JsonNode evals = await("evaluation of " + jobId, () -> gateway.get("v1/evals?jobId=" + jobId),
                list -> list.isArray() && list.size() > 0 && Set.of("COMPLETED", "FAILED").contains(list.get(0).path("status").asText()));
        JsonNode eval = evals.get(0);
        result.put("evalId", eval.path("id").asText());
        result.put("evalStatus", eval.path("status").asText());
        ObjectNode metrics = result.putObject("metrics");
        metrics.put("metric", eval.path("metric").asText());
        metrics.put("items", eval.path("items").asInt());
        metrics.set("baseline", eval.path("baseline"));
        metrics.set("candidate", eval.path("candidate"));
        metrics.set("difference", eval.path("difference"));
        result.put("verdict", eval.path("verdict").asText());
        result.put("outcome", eval.path("outcome").asText());
        result.put("decision", eval.path("decision").asText());
        result.put("modelVersionId", eval.path("candidateVersionId").asText());
        if ("COMPLETED".equals(eval.path("status").asText())) {
            out.printf(java.util.Locale.ROOT, "   %s on %d held-out items: base %.3f, fine-tuned %.3f; difference %.3f, 95%% CI [%.3f, %.3f]: %s%n",
                    eval.path("metric").asText(), eval.path("items").asInt(), eval.path("baseline").path("metric").asDouble(),
                    eval.path("candidate").path("metric").asDouble(), eval.path("difference").path("mean").asDouble(),
                    eval.path("difference").path("ciLow").asDouble(), eval.path("difference").path("ciHigh").asDouble(),
                    eval.path("verdict").asText());
            out.printf(java.util.Locale.ROOT, "   held-out loss: base %.4f, fine-tuned %.4f%n", eval.path("baseline").path("heldOutLoss").asDouble(),
                    eval.path("candidate").path("heldOutLoss").asDouble());
            out.println("   promotion policy: " + eval.path("outcome").asText() + ", " + eval.path("decision").asText());
            for (JsonNode reason : eval.path("reasons")) {
                out.println("     " + reason.asText());
            }
        } else {
            out.println("   evaluation " + eval.path("status").asText() + ": " + eval.path("failureReason").asText());
            return finish(result);
        }

        String version = eval.path("candidateVersionId").asText();
        out.println("== 5/5 serve the fine-tune: POST /v1/chat/completions (inference-service, OpenAI-compatible)");
        await("version " + version + " servable", () -> gateway.get("v1/models"),
                list -> list.path("data").findValuesAsText("id").contains(version));
        JsonNode answer = gateway.postJson("v1/chat/completions", Map.of("model", version, "temperature", 0, "max_tokens", 48,
                "messages", java.util.List.of(Map.of("role", "user", "content", STORY_REQUEST))), null);
        String text = answer.path("choices").path(0).path("message").path("content").asText();
        out.println("   user: " + STORY_REQUEST);
        out.println("   " + version + ": " + text);
        out.printf("   usage: %d prompt + %d completion tokens%n", answer.path("usage").path("prompt_tokens").asInt(),
                answer.path("usage").path("completion_tokens").asInt());
        result.put("servedAnswer", text);
        return finish(result);
    }

    /** Submits a fine-tuning job on the local engine (see {@link #submitJob(Map, String)}). */
    public JsonNode submitJob(String datasetId, String baseModel, Map<String, Object> hyperparameters, String idempotencyKey) {
        return submitJob(Map.of("datasetId", datasetId, "baseModel", baseModel, "backend", "local", "hyperparameters", hyperparameters),
                idempotencyKey);
    }

    /**
     * Submits any job request (POST /v1/fine-tunes body). training-service learns a dataset's verdict from the
     * dataset-validated event, a moment after validation-service gives it: until then it answers 409
     * JOB_DATASET_NOT_READY with the seconds to wait (retryAfterSeconds, and Retry-After), which this honours for a while.
     */
    public JsonNode submitJob(Map<String, Object> body, String idempotencyKey) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return gateway.postJson("v1/fine-tunes", body, idempotencyKey);
            } catch (GatewayClient.ApiError e) {
                boolean notReady = e.status() == 409 && e.problem() != null && "JOB_DATASET_NOT_READY".equals(e.problem().path("code").asText());
                if (!notReady || System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(1000L * Math.max(1, e.problem().path("retryAfterSeconds").asInt(1)));
            }
        }
    }

    private ObjectNode finish(ObjectNode result) {
        out.println("RESULT " + result);
        return result;
    }

    private static String progressLine(JsonNode job) {
        JsonNode p = job.path("progress");
        if (p.isMissingNode() || p.isNull()) {
            return job.path("status").asText();
        }
        return String.format(java.util.Locale.ROOT, "%s step %d/%d loss %.4f", job.path("status").asText(), p.path("step").asInt(),
                p.path("totalSteps").asInt(), p.path("loss").asDouble());
    }

    private interface Fetch {
        JsonNode get();
    }

    private JsonNode await(String what, Fetch fetch, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = fetch.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (GatewayClient.ApiError e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
            sleep(500);
        }
        throw new IllegalStateException(what + " did not finish within " + stepTimeout.toSeconds() + " s; last answer: " + last);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
