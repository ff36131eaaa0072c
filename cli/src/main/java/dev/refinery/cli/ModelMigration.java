package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code models migrate}: re-runs a model version's job, with its exact spec, on another backend, then evaluates the new
 * version against the old one on the old one's test split, so that a team leaving a provider keeps the evidence that the
 * move cost nothing (or knows what it cost). Every step goes through the gateway as a user's own calls would.
 *
 * <p>A failed or cancelled job or evaluation, or a wait that runs out, ends the command with an
 * {@link IllegalStateException} carrying the reason (exit code 2); whatever was started keeps going on the platform.
 */
final class ModelMigration {

    private static final Set<String> JOB_ENDS = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final Set<String> EVAL_ENDS = Set.of("COMPLETED", "FAILED");
    /** Answers worth asking again while waiting a long time: the gateway or a service briefly away. */
    private static final Set<Integer> PASSING_FAILURES = Set.of(0, 502, 503, 504);

    private final GatewayClient gateway;
    private final PrintStream out;
    private final Duration pollEvery;

    /** @param pollEvery the pause between two looks at a job, the registry or an evaluation */
    ModelMigration(GatewayClient gateway, PrintStream out, Duration pollEvery) {
        this.gateway = gateway;
        this.out = out;
        this.pollEvery = pollEvery;
    }

    /** What to move where. */
    record Request(String model, String backend, String baseModel, Duration maxWait) {
    }

    /** Runs the migration to its evaluation's end; returns the finished evaluation. */
    JsonNode run(Request request) {
        long deadline = System.nanoTime() + request.maxWait().toNanos();
        JsonNode old = version(request.model());
        String oldVersion = old.path("id").asText();
        String oldJob = old.path("jobId").asText(null);
        if (oldJob == null || oldJob.isBlank()) {
            throw new IllegalStateException("model version " + oldVersion + " names no fine-tuning job, so there is no spec to run again");
        }
        out.printf("model %s: job %s, %s on %s, dataset %s%n", oldVersion, oldJob, old.path("baseModel").asText(), old.path("backend").asText(),
                old.path("datasetId").asText());

        JsonNode job = gateway.postJson("v1/fine-tunes/" + oldJob + "/rerun", rerunBody(request), null);
        String newJob = job.path("id").asText();
        out.printf("job %s: the same spec, %s on %s%n", newJob, job.path("baseModel").asText(), job.path("backend").asText());

        JsonNode finished = awaitJob(newJob, deadline, request.maxWait());
        String status = finished.path("status").asText();
        if (!"SUCCEEDED".equals(status)) {
            throw new IllegalStateException("job " + newJob + " " + status + reason(finished.path("result")));
        }
        String newVersion = awaitVersionOf(newJob, deadline, request.maxWait());
        out.printf("model %s registered for job %s%n", newVersion, newJob);

        Map<String, Object> evaluate = new LinkedHashMap<>();
        evaluate.put("candidate", newVersion);
        evaluate.put("baseline", oldVersion);
        evaluate.put("datasetId", old.path("datasetId").asText(null));
        String evalId = gateway.postJson("v1/evals", evaluate, null).path("id").asText();
        out.printf("evaluation %s: %s against %s on the test split of %s%n", evalId, newVersion, oldVersion, evaluate.get("datasetId"));

        JsonNode eval = await("evaluation " + evalId, "v1/evals/" + evalId, e -> EVAL_ENDS.contains(e.path("status").asText()), deadline,
                request.maxWait(), "follow it with: refinery evals get " + evalId);
        if (!"COMPLETED".equals(eval.path("status").asText())) {
            throw new IllegalStateException("evaluation " + evalId + " " + eval.path("status").asText() + reason(eval));
        }
        printScores(eval, oldVersion, newVersion);
        return eval;
    }

    /** A version id as is; anything else is an alias, read for the version it names now. */
    private JsonNode version(String model) {
        if (model.startsWith("mv-")) {
            return gateway.get("v1/registry/models/" + model);
        }
        String id = gateway.get("v1/registry/aliases/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20"))
                .path("modelVersionId").asText(null);
        if (id == null || id.isBlank()) {
            throw new IllegalStateException("alias " + model + " names no model version");
        }
        out.printf("alias %s names %s%n", model, id);
        return gateway.get("v1/registry/models/" + id);
    }

    private static Map<String, Object> rerunBody(Request request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("backend", request.backend());
        if (request.baseModel() != null) {
            body.put("baseModel", request.baseModel()); // left out: the old base model, which the new backend may not offer
        }
        return body;
    }

    /** Follows a job to its end, printing each change of its status. */
    private JsonNode awaitJob(String jobId, long deadline, Duration wait) {
        String[] shown = {""};
        return await("job " + jobId, "v1/fine-tunes/" + jobId, j -> {
            String line = jobLine(j);
            if (!line.equals(shown[0])) {
                out.printf("job %s %s%n", jobId, line);
                shown[0] = line;
            }
            return JOB_ENDS.contains(j.path("status").asText());
        }, deadline, wait, "follow it with: refinery fine-tunes get " + jobId);
    }

    private static String jobLine(JsonNode job) {
        JsonNode p = job.path("progress");
        if (!"RUNNING".equals(job.path("status").asText()) || !p.hasNonNull("totalSteps")) {
            return job.path("status").asText();
        }
        return String.format(Locale.ROOT, "RUNNING step %d/%d", p.path("step").asInt(), p.path("totalSteps").asInt());
    }

    /** The registry learns of a finished job from its event, a moment after the job ends: asks until the version is there. */
    private String awaitVersionOf(String jobId, long deadline, Duration wait) {
        JsonNode versions = await("the model version of job " + jobId, "v1/registry/models?limit=100",
                list -> versionOf(list, jobId) != null, deadline, wait, "see: refinery models list");
        return versionOf(versions, jobId);
    }

    private static String versionOf(JsonNode versions, String jobId) {
        for (JsonNode v : versions) {
            if (jobId.equals(v.path("jobId").asText())) {
                return v.path("id").asText();
            }
        }
        return null;
    }

    private void printScores(JsonNode eval, String oldVersion, String newVersion) {
        JsonNode d = eval.path("difference");
        out.printf(Locale.ROOT, "%s on %d test items:%n", eval.path("metric").asText(), eval.path("items").asInt());
        out.printf(Locale.ROOT, "  old %s  %.4f  (%s)%n", oldVersion, eval.path("baseline").path("metric").asDouble(),
                eval.path("baseline").path("model").asText());
        out.printf(Locale.ROOT, "  new %s  %.4f  (%s)%n", newVersion, eval.path("candidate").path("metric").asDouble(),
                eval.path("candidate").path("model").asText());
        out.printf(Locale.ROOT, "  new - old %+.4f, %.0f%% interval [%+.4f, %+.4f]: %s%n", d.path("mean").asDouble(),
                100 * d.path("confidence").asDouble(0.95), d.path("ciLow").asDouble(), d.path("ciHigh").asDouble(), eval.path("verdict").asText());
        out.println("outcome: " + eval.path("outcome").asText());
        for (JsonNode reason : eval.path("reasons")) {
            out.println("  " + reason.asText());
        }
    }

    /** " (CODE: reason)" from a job's result or an evaluation, or nothing when it gave none. */
    private static String reason(JsonNode node) {
        String code = node.path("failureCode").asText("");
        String why = node.path("failureReason").asText("");
        if (code.isEmpty() && why.isEmpty()) {
            return "";
        }
        return ": " + (code.isEmpty() ? why : why.isEmpty() ? code : code + ": " + why);
    }

    private interface Done {
        boolean test(JsonNode answer);
    }

    /**
     * Asks {@code path} until {@code done} or the deadline; a gateway or service briefly away is asked again rather than
     * ending a long wait. {@code hint} says how to go on by hand when the wait runs out.
     */
    private JsonNode await(String what, String path, Done done, long deadline, Duration wait, String hint) {
        while (true) {
            try {
                JsonNode answer = gateway.get(path);
                if (done.test(answer)) {
                    return answer;
                }
            } catch (GatewayClient.ApiError e) {
                if (!PASSING_FAILURES.contains(e.status())) {
                    throw e;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException(what + " did not end within " + DurationFlag.describe(wait) + "; it goes on without us ("
                        + hint + ")");
            }
            sleep();
        }
    }

    private void sleep() {
        try {
            Thread.sleep(pollEvery.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
