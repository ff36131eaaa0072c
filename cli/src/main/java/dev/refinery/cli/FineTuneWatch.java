package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refinery.cli.output.ProgressBar;
import dev.refinery.cli.output.Sparkline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code fine-tunes watch}: polls a job (and its metrics when its step moves) until it ends, printing a line each time
 * what it shows changes: state, step/total, loss, a sparkline of the loss, tokens/s, ETA.
 */
final class FineTuneWatch {

    private static final Set<String> ENDS = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    /** Steps the sparkline shows: the recent curve, in a terminal line. */
    private static final int SPARK_STEPS = 40;
    /** Answers worth asking again: the gateway or a service briefly away. */
    private static final Set<Integer> PASSING = Set.of(502, 503, 504);

    private final GatewayClient gateway;
    private final PrintStream out;
    private final boolean json;
    private final Duration interval;

    FineTuneWatch(GatewayClient gateway, PrintStream out, boolean json, Duration interval) {
        this.gateway = gateway;
        this.out = out;
        this.json = json;
        this.interval = interval;
    }

    /** Follows job {@code id} to its end; true when it succeeded. */
    boolean watch(String id) {
        String last = null;
        int lastStep = -1;
        JsonNode metrics = null;
        while (true) {
            JsonNode job;
            try {
                job = gateway.get("v1/fine-tunes/" + id);
                int step = job.path("progress").path("step").asInt(-1);
                if (step > lastStep && step > 0) {
                    metrics = gateway.get("v1/fine-tunes/" + id + "/metrics");
                    lastStep = step;
                }
            } catch (GatewayClient.ApiError e) {
                if (!PASSING.contains(e.status())) {
                    throw e;
                }
                sleep();
                continue;
            }
            String status = job.path("status").asText();
            String line = json ? job.toString() : line(job, metrics);
            if (!line.equals(last)) {
                out.println(line);
                out.flush();
                last = line;
            }
            if (ENDS.contains(status)) {
                if (!json) {
                    out.println(outcome(job));
                    out.flush();
                }
                return "SUCCEEDED".equals(status);
            }
            sleep();
        }
    }

    /** {@code RUNNING  step 30/100  loss 1.2345  ▇▆▅▄▃▂  412 tok/s  ETA 1m10s}. */
    static String line(JsonNode job, JsonNode metrics) {
        StringBuilder s = new StringBuilder(job.path("status").asText("?"));
        JsonNode p = job.path("progress");
        if (p.hasNonNull("step")) {
            s.append("  step ").append(p.path("step").asInt());
            if (p.hasNonNull("totalSteps")) {
                s.append('/').append(p.path("totalSteps").asInt());
            }
        }
        if (p.hasNonNull("loss")) {
            s.append(String.format(Locale.ROOT, "  loss %.4f", p.path("loss").asDouble()));
        }
        List<Double> losses = new ArrayList<>();
        JsonNode lastStep = null;
        if (metrics != null) {
            for (JsonNode step : metrics.path("steps")) {
                if (step.hasNonNull("loss")) {
                    losses.add(step.path("loss").asDouble());
                }
                lastStep = step;
            }
        }
        String spark = Sparkline.of(losses, SPARK_STEPS);
        if (!spark.isEmpty()) {
            s.append("  ").append(spark);
        }
        if (lastStep != null && lastStep.hasNonNull("tokensPerSecond")) {
            s.append(String.format(Locale.ROOT, "  %.0f tok/s", lastStep.path("tokensPerSecond").asDouble()));
        }
        if (p.hasNonNull("etaSeconds") && !ENDS.contains(job.path("status").asText())) {
            s.append("  ETA ").append(ProgressBar.duration(Math.round(p.path("etaSeconds").asDouble())));
        }
        return s.toString();
    }

    private static String outcome(JsonNode job) {
        String status = job.path("status").asText();
        JsonNode r = job.path("result");
        if ("SUCCEEDED".equals(status)) {
            StringBuilder s = new StringBuilder("job " + job.path("id").asText() + " succeeded");
            if (r.hasNonNull("steps")) {
                s.append(" after ").append(r.path("steps").asInt()).append(" steps");
            }
            if (r.hasNonNull("finalTrainLoss")) {
                s.append(String.format(Locale.ROOT, "; train loss %.4f", r.path("finalTrainLoss").asDouble()));
            }
            if (r.hasNonNull("finalValidationLoss")) {
                s.append(String.format(Locale.ROOT, ", validation loss %.4f", r.path("finalValidationLoss").asDouble()));
            }
            return s.toString();
        }
        String why = r.hasNonNull("failureCode") ? r.path("failureCode").asText() + ": " + r.path("failureReason").asText("")
                : r.path("failureReason").asText("");
        return "job " + job.path("id").asText() + " " + status.toLowerCase(Locale.ROOT) + (why.isBlank() ? "" : ": " + why);
    }

    private void sleep() {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
