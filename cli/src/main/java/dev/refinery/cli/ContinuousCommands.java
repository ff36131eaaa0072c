package dev.refinery.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Continuous fine-tuning: collections of producers' examples, their versions, and the pipelines that train on them. */
final class ContinuousCommands {

    static final String USAGE = """
            collections create NAME [--seal-every N] [--seal-after PT6H] [--producer-rate PER_SECOND] [--producer-burst N]
                                    [--target T] [--model ID] [--splits 80/10/10]
                                                a collection producers send examples to
            collections send COLLECTION_ID FILE [--producer ID]
                                                each JSONL line as an example (its idempotency id: the line's sha256);
                                                a batch refused for the producer's rate is sent again after Retry-After
            collections list | get ID | rejections ID | versions ID | seal ID
            pipelines create NAME --collection ID [--base-model M] [--backend B] [--method sft|dpo] [--hyperparameters JSON]
                             [--continue-from base|champion] [--max-attempts N] [--budget-usd X [--budget-period day|week|month]]
                             [--trigger version|schedule|drift [--every P1D] [--margin 0.05]] [--metric M] [--eval-max-items N]
                             [--promote auto|by-hand]
                             [--dpo-collection ID [--dpo-hyperparameters JSON]]
                                                every version of the collection trained, evaluated, promoted or not
            pipelines update ID NAME [the options of create; its settings replaced, its collection kept]
            pipelines list | get ID | runs ID | run ID [--dataset ID] | pause ID | resume ID
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;

    private ContinuousCommands() {
    }

    /** Runs a collections or pipelines command; false when {@code command} is not one. */
    static boolean run(String command, String[] a, GatewayClient gateway, PrintStream out) {
        switch (command) {
            case "collections create" -> print(out, gateway.postJson("v1/collections", collection(a), null));
            case "collections send" -> send(gateway, a, out);
            case "collections list" -> print(out, gateway.get("v1/collections"));
            case "collections get" -> print(out, gateway.get("v1/collections/" + FlagValues.positional(a, 2, "ID")));
            case "collections rejections", "collections versions" ->
                    print(out, gateway.get("v1/collections/" + FlagValues.positional(a, 2, "ID") + "/" + a[1]));
            case "collections seal" -> print(out, gateway.postJson("v1/collections/" + FlagValues.positional(a, 2, "ID") + "/seal", Map.of(), null));
            case "pipelines create" -> print(out, gateway.postJson("v1/pipelines", pipeline(a), null));
            case "pipelines update" -> {
                String id = FlagValues.positional(a, 2, "ID");
                print(out, gateway.putJson("v1/pipelines/" + id, pipeline(a, 3, false)));
            }
            case "pipelines list" -> print(out, gateway.get("v1/pipelines"));
            case "pipelines get" -> print(out, gateway.get("v1/pipelines/" + FlagValues.positional(a, 2, "ID")));
            case "pipelines runs" -> print(out, gateway.get("v1/pipelines/" + FlagValues.positional(a, 2, "ID") + "/runs"));
            case "pipelines run" -> print(out, gateway.postJson("v1/pipelines/" + FlagValues.positional(a, 2, "ID") + "/runs", run(a), null));
            case "pipelines pause", "pipelines resume" ->
                    print(out, gateway.postJson("v1/pipelines/" + FlagValues.positional(a, 2, "ID") + "/" + a[1], Map.of(), null));
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> collection(String[] a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", FlagValues.positional(a, 2, "NAME"));
        for (FlagValues f : FlagValues.from(a, 3)) {
            switch (f.flag()) {
                case "--seal-every" -> body.put("sealEvery", number(f));
                // checked by the service, which names the field in its 400
                case "--seal-after" -> body.put("sealAfter", f.value());
                case "--producer-rate" -> body.put("producerRate", f.value());
                case "--producer-burst" -> body.put("producerBurst", f.value());
                case "--target" -> body.put("target", f.value());
                case "--model" -> body.put("model", f.value());
                case "--splits" -> body.put("splits", f.value());
                default -> throw new IllegalArgumentException("unknown option " + f.flag() + " (known: --seal-every, --seal-after, --producer-rate, "
                        + "--producer-burst, --target, --model, --splits)");
            }
        }
        return body;
    }

    private static Map<String, Object> pipeline(String[] a) {
        return pipeline(a, 2, true);
    }

    /**
     * A create's (or, without {@code collectionRequired}, an update's) body from NAME, the argument at {@code nameAt}, and
     * the options after it.
     */
    private static Map<String, Object> pipeline(String[] a, int nameAt, boolean collectionRequired) {
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Object> template = new LinkedHashMap<>();
        Map<String, Object> budget = new LinkedHashMap<>();
        Map<String, Object> trigger = new LinkedHashMap<>();
        Map<String, Object> dpo = new LinkedHashMap<>();
        Map<String, Object> evaluation = new LinkedHashMap<>();
        body.put("name", FlagValues.positional(a, nameAt, "NAME"));
        for (FlagValues f : FlagValues.from(a, nameAt + 1)) {
            switch (f.flag()) {
                case "--collection" -> body.put("collectionId", f.value());
                case "--base-model" -> template.put("baseModel", f.value());
                case "--backend" -> template.put("backend", f.value());
                case "--method" -> template.put("method", f.value());
                case "--hyperparameters" -> template.put("hyperparameters", json(f));
                case "--continue-from" -> body.put("continueFrom", f.value());
                case "--max-attempts" -> body.put("maxAttempts", number(f));
                case "--budget-usd" -> budget.put("usd", new BigDecimal(f.value()));
                case "--budget-period" -> budget.put("period", f.value());
                case "--trigger" -> trigger.put("on", f.value());
                case "--every" -> trigger.put("every", f.value());
                case "--margin" -> trigger.put("margin", new BigDecimal(f.value()));
                case "--dpo-collection" -> dpo.put("collectionId", f.value());
                case "--dpo-hyperparameters" -> dpo.put("hyperparameters", json(f));
                case "--metric" -> evaluation.put("metric", f.value());
                case "--eval-max-items" -> evaluation.put("maxItems", number(f));
                case "--promote" -> evaluation.put("promote", switch (f.value()) {
                    case "auto" -> true;
                    case "by-hand" -> false;
                    default -> throw new IllegalArgumentException("--promote is auto (as the project's policy says) or by-hand");
                });
                default -> throw new IllegalArgumentException("unknown option " + f.flag() + " (known: --collection, --base-model, --backend, "
                        + "--method, --hyperparameters, --continue-from, --max-attempts, --budget-usd, --budget-period, --trigger, --every, "
                        + "--margin, --dpo-collection, --dpo-hyperparameters, --metric, --eval-max-items, --promote)");
            }
        }
        if (collectionRequired && !body.containsKey("collectionId")) {
            throw new IllegalArgumentException("--collection is required: the collection whose versions the pipeline trains on");
        }
        if (!evaluation.isEmpty()) {
            template.put("evaluation", evaluation);
        }
        body.put("template", template);
        if (!budget.isEmpty()) {
            body.put("budget", budget);
        }
        if (!trigger.isEmpty()) {
            body.put("trigger", trigger);
        }
        if (!dpo.isEmpty()) {
            body.put("dpoStage", dpo);
        }
        return body;
    }

    private static Map<String, Object> run(String[] a) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (FlagValues f : FlagValues.from(a, 3)) {
            if (!f.flag().equals("--dataset")) {
                throw new IllegalArgumentException("unknown option " + f.flag() + " (known: --dataset)");
            }
            body.put("datasetId", f.value());
        }
        return body;
    }

    /** Sends a JSONL file's lines as examples, in batches; a line sent again is a duplicate, never a second example. */
    private static void send(GatewayClient gateway, String[] a, PrintStream out) {
        String collection = FlagValues.positional(a, 2, "COLLECTION_ID");
        Path file = Path.of(FlagValues.positional(a, 3, "FILE"));
        String producer = "refinery-cli";
        for (FlagValues f : FlagValues.from(a, 4)) {
            if (!f.flag().equals("--producer")) {
                throw new IllegalArgumentException("unknown option " + f.flag() + " (known: --producer)");
            }
            producer = f.value();
        }
        send(gateway, collection, file, producer, out);
    }

    /**
     * Every JSONL line of {@code file} into {@code collection} as one producer's examples, in batches; each line's idempotency
     * id is its sha256, so sending the same lines again stores nothing twice.
     */
    static void send(GatewayClient gateway, String collection, Path file, String producer, PrintStream out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long accepted = 0;
        long duplicates = 0;
        long rejected = 0;
        for (int from = 0; from < lines.size(); from += BATCH) {
            StringBuilder batch = new StringBuilder("[");
            for (String line : lines.subList(from, Math.min(lines.size(), from + BATCH))) {
                batch.append(batch.length() > 1 ? "," : "").append("{\"producerId\":").append(quoted(producer)).append(",\"idempotencyId\":\"")
                        .append(sha256(line)).append("\",\"example\":").append(line).append('}');
            }
            var answer = sendBatch(gateway, collection, batch.append(']').toString(), out);
            accepted += answer.path("accepted").asLong();
            duplicates += answer.path("duplicates").asLong();
            rejected += answer.path("rejected").asLong();
        }
        out.printf("%d examples sent: %d accepted, %d duplicates, %d rejected (refinery collections rejections %s)%n", lines.size(), accepted,
                duplicates, rejected, collection);
    }

    /** How often one batch is sent while it is refused for a rate, before giving up. */
    private static final int MOST_SENDS = 10;

    /**
     * One batch, sent again after the wait the service names while it is refused 429 (the producer's rate limit, or the
     * gateway's per-key one): nothing of a refused batch was kept, and what was stored before answers duplicate.
     */
    private static JsonNode sendBatch(GatewayClient gateway, String collection, String batch, PrintStream out) {
        for (int sent = 1; ; sent++) {
            try {
                return gateway.postRaw("v1/collections/" + collection + "/examples", batch);
            } catch (GatewayClient.ApiError e) {
                int wait = e.problem() == null ? 0 : e.problem().path("retryAfterSeconds").asInt(0);
                if (e.status() != 429 || wait <= 0 || sent == MOST_SENDS) {
                    throw e; // after MOST_SENDS the limit is not a passing one: the person is told rather than kept waiting
                }
                out.printf("rate-limited (%s): sending the batch again in %d s%n", e.problem().path("code").asText(), wait);
                try {
                    Thread.sleep(wait * 1000L);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Object json(FlagValues f) {
        try {
            return JSON.readTree(f.value());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(f.flag() + " is not JSON: " + e.getOriginalMessage());
        }
    }

    private static int number(FlagValues f) {
        try {
            return Integer.parseInt(f.value());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(f.flag() + " is a whole number, not '" + f.value() + "'");
        }
    }

    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String line) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void print(PrintStream out, com.fasterxml.jackson.databind.JsonNode node) {
        out.println(node.toPrettyString());
    }
}
