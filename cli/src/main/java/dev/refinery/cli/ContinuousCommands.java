package dev.refinery.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static dev.refinery.cli.GatewayCalls.get;
import static dev.refinery.cli.GatewayCalls.post;

/** Continuous fine-tuning: collections of producers' examples, their versions, and the pipelines that train on them. */
final class ContinuousCommands {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;

    private ContinuousCommands() {
    }

    @Command(name = "collections", description = "Collections: where producers send examples; sealed into versions that pipelines train on.")
    static final class Collections {

        /** The verbs that are one request ({@link GatewayCalls}). */
        static final List<GatewayCalls.Call> CALLS = List.of(
                get("list", "v1/collections", "The project's collections."),
                get("get", "v1/collections/{ID}", "A collection."),
                get("rejections", "v1/collections/{ID}/rejections", "Examples the collection refused, and why."),
                get("versions", "v1/collections/{ID}/versions", "The collection's sealed versions (each a dataset)."),
                post("seal", "v1/collections/{ID}/seal", "Seal what has come in into a new version now."));
        private final Cli cli;

        Collections(Cli cli) {
            this.cli = cli;
        }

        @Command(name = "create", description = "A collection producers send examples to.")
        void create(@Parameters(paramLabel = "NAME") String name,
                    @Option(names = "--seal-every", paramLabel = "N", description = "seal a version every N examples") Integer sealEvery,
                    @Option(names = "--seal-after", paramLabel = "DURATION", description = "e.g. PT6H") String sealAfter,
                    @Option(names = "--producer-rate", paramLabel = "PER_SECOND") String producerRate,
                    @Option(names = "--producer-burst", paramLabel = "N") String producerBurst,
                    @Option(names = "--target", paramLabel = "T") String target,
                    @Option(names = "--model", paramLabel = "ID") String model,
                    @Option(names = "--splits", paramLabel = "A/B/C", description = "e.g. 80/10/10") String splits) {
            // rates and durations are checked by the service, which names the field in its 400
            cli.print(cli.gateway().postJson("v1/collections", Bodies.of("name", name, "sealEvery", sealEvery, "sealAfter", sealAfter,
                    "producerRate", producerRate, "producerBurst", producerBurst, "target", target, "model", model, "splits", splits), null));
        }

        @Command(name = "send", description = {"Each JSONL line of FILE as an example (its idempotency id: the line's sha256).",
                "A batch refused for the producer's rate is sent again after Retry-After."})
        void send(@Parameters(index = "0", paramLabel = "COLLECTION_ID") String collection,
                  @Parameters(index = "1", paramLabel = "FILE") Path file,
                  @Option(names = "--producer", paramLabel = "ID", defaultValue = "refinery-cli", description = "default: ${DEFAULT-VALUE}")
                  String producer) {
            ContinuousCommands.send(cli, collection, file, producer);
        }

    }

    /** The options of pipelines create and update: a pipeline's settings. */
    static final class PipelineOptions {
        @Option(names = "--collection", paramLabel = "ID", description = "the collection whose versions it trains on (required by create)")
        String collection;
        @Option(names = "--base-model", paramLabel = "M")
        String baseModel;
        @Option(names = "--backend", paramLabel = "B")
        String backend;
        @Option(names = "--method", paramLabel = "sft|dpo")
        String method;
        @Option(names = "--hyperparameters", paramLabel = "JSON")
        String hyperparameters;
        @Option(names = "--continue-from", paramLabel = "base|champion")
        String continueFrom;
        @Option(names = "--max-attempts", paramLabel = "N")
        Integer maxAttempts;
        @Option(names = "--budget-usd", paramLabel = "X")
        BigDecimal budgetUsd;
        @Option(names = "--budget-period", paramLabel = "day|week|month")
        String budgetPeriod;
        @Option(names = "--trigger", paramLabel = "version|schedule|drift")
        String trigger;
        @Option(names = "--every", paramLabel = "P1D", description = "the schedule's period (--trigger schedule)")
        String every;
        @Option(names = "--margin", paramLabel = "X", description = "the drift that triggers a run (--trigger drift), e.g. 0.05")
        BigDecimal margin;
        @Option(names = "--metric", paramLabel = "M", description = "the evaluation's metric")
        String metric;
        @Option(names = "--eval-max-items", paramLabel = "N")
        Integer evalMaxItems;
        @Option(names = "--promote", paramLabel = "auto|by-hand", description = "auto: as the project's policy says; by-hand: never by itself")
        String promote;
        @Option(names = "--dpo-collection", paramLabel = "ID", description = "a DPO stage on this collection's preference pairs")
        String dpoCollection;
        @Option(names = "--dpo-hyperparameters", paramLabel = "JSON")
        String dpoHyperparameters;
        @Option(names = "--shadow-share", paramLabel = "X", description = "a shadow phase before each promotion: this share of the "
                + "champion's live chat requests answered by the challenger too and judged, e.g. 0.1")
        BigDecimal shadowShare;
        @Option(names = "--shadow-judge", paramLabel = "MODEL", description = "the shadow phase's judge, as a chat request names it "
                + "(e.g. together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo)")
        String shadowJudge;
        @Option(names = "--shadow-pairs", paramLabel = "N", description = "judged pairs that decide (default 50)")
        Integer shadowPairs;
        @Option(names = "--shadow-min-win-rate", paramLabel = "X", description = "the challenger's win rate needed (default 0.5)")
        BigDecimal shadowMinWinRate;
        @Option(names = "--shadow-within", paramLabel = "DURATION", description = "how long the phase may last (default P1D)")
        String shadowWithin;

        /** A create's or update's body. */
        Map<String, Object> body(String name) {
            Boolean autoPromote = promote == null ? null : switch (promote) {
                case "auto" -> true;
                case "by-hand" -> false;
                default -> throw new IllegalArgumentException("--promote is auto (as the project's policy says) or by-hand");
            };
            Map<String, Object> evaluation = Bodies.of("metric", metric, "maxItems", evalMaxItems, "promote", autoPromote);
            Map<String, Object> template = Bodies.of("baseModel", baseModel, "backend", backend, "method", method,
                    "hyperparameters", Bodies.json("--hyperparameters", hyperparameters), "evaluation", orNull(evaluation));
            return Bodies.of("name", name, "collectionId", collection, "continueFrom", continueFrom, "maxAttempts", maxAttempts,
                    "template", template, "budget", orNull(Bodies.of("usd", budgetUsd, "period", budgetPeriod)),
                    "trigger", orNull(Bodies.of("on", trigger, "every", every, "margin", margin)),
                    "dpoStage", orNull(Bodies.of("collectionId", dpoCollection,
                            "hyperparameters", Bodies.json("--dpo-hyperparameters", dpoHyperparameters))),
                    "shadow", orNull(Bodies.of("share", shadowShare, "pairs", shadowPairs, "minWinRate", shadowMinWinRate,
                            "within", shadowWithin, "judge", shadowJudge)));
        }

        private static Map<String, Object> orNull(Map<String, Object> part) {
            return part.isEmpty() ? null : part;
        }
    }

    @Command(name = "pipelines", description = "Pipelines: every version of a collection trained, evaluated, promoted or not.")
    static final class Pipelines {

        /** The verbs that are one request ({@link GatewayCalls}). */
        static final List<GatewayCalls.Call> CALLS = List.of(
                get("list", "v1/pipelines", "The project's pipelines."),
                get("get", "v1/pipelines/{ID}", "A pipeline."),
                get("runs", "v1/pipelines/{ID}/runs", "A pipeline's runs."),
                post("pause", "v1/pipelines/{ID}/pause", "Pause a pipeline."),
                post("resume", "v1/pipelines/{ID}/resume", "Resume a paused pipeline."));
        private final Cli cli;

        Pipelines(Cli cli) {
            this.cli = cli;
        }

        @Command(name = "create", description = "A pipeline on a collection: every version trained, evaluated, promoted or not.")
        void create(@Parameters(paramLabel = "NAME") String name, @picocli.CommandLine.Mixin PipelineOptions options) {
            if (options.collection == null) {
                throw new IllegalArgumentException("--collection is required: the collection whose versions the pipeline trains on");
            }
            cli.print(cli.gateway().postJson("v1/pipelines", options.body(name), null));
        }

        @Command(name = "update", description = "A pipeline's settings replaced by these (the options of create); its collection kept.")
        void update(@Parameters(index = "0", paramLabel = "ID") String id, @Parameters(index = "1", paramLabel = "NAME") String name,
                    @picocli.CommandLine.Mixin PipelineOptions options) {
            cli.print(cli.gateway().putJson("v1/pipelines/" + id, options.body(name)));
        }

        @Command(name = "run", description = "Run a pipeline now (on --dataset, else its collection's newest version).")
        void run(@Parameters(paramLabel = "ID") String id, @Option(names = "--dataset", paramLabel = "ID") String dataset) {
            cli.print(cli.gateway().postJson("v1/pipelines/" + id + "/runs", Bodies.of("datasetId", dataset), null));
        }

    }

    /**
     * Every JSONL line of {@code file} into {@code collection} as one producer's examples, in batches; each line's idempotency
     * id is its sha256, so sending the same lines again stores nothing twice.
     */
    static void send(Cli cli, String collection, Path file, String producer) {
        GatewayClient gateway = cli.gateway();
        PrintStream out = cli.notes();
        List<String> lines;
        try {
            lines = Files.readAllLines(Cli.readable(file), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
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
        if (cli.json()) {
            cli.printJson(cli.jsonObject("sent", lines.size()).put("accepted", accepted).put("duplicates", duplicates).put("rejected", rejected));
        } else {
            out.printf("%d examples sent: %d accepted, %d duplicates, %d rejected (refinery collections rejections %s)%n", lines.size(), accepted,
                    duplicates, rejected, collection);
        }
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
}
