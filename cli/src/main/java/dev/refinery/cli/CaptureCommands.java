package dev.refinery.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Capture of served traffic, feedback on an answer, and the export of both as a dataset. */
final class CaptureCommands {

    static final String USAGE = """
            capture settings [--enable | --disable] [--retention-days N] [--redact REGEX]... [--no-redact]
                                                shows the project's capture settings; with options, changes them (admin):
                                                --redact replaces the patterns (repeat it for several), --no-redact clears them
            capture records [--limit N] [--offset N]
                                                captured answers, newest first, with their feedback
            capture export --kind sft|preference [--since TIME] [--until TIME] [--out FILE] [--upload NAME | --to-collection ID]
                                                answers with feedback as a dataset (JSONL; to stdout unless --out); --upload:
                                                uploaded as dataset NAME, validated like any upload, its id printed;
                                                --to-collection: sent into collection ID as producer capture-KIND
                                                (again later: only what is new is stored)
            feedback RESPONSE_ID [--rating 1-5] [--thumbs up|down] [--correction TEXT]
                                                feedback on a captured answer (the chatcmpl-... id of its response)
            """;

    private CaptureCommands() {
    }

    /** Runs a capture or feedback command; false when {@code command} is not one. */
    static boolean run(String command, String[] a, GatewayClient gateway, PrintStream out) {
        if (a[0].equals("feedback")) {
            feedback(a, gateway, out);
            return true;
        }
        switch (command) {
            case "capture settings" -> settings(a, gateway, out);
            case "capture records" -> {
                Map<String, String> flags = flags(a, 2, "--limit", "--offset");
                out.println(gateway.get("v1/capture/records" + query(Map.of("limit", flags.getOrDefault("--limit", ""),
                        "offset", flags.getOrDefault("--offset", "")))).toPrettyString());
            }
            case "capture export" -> export(a, gateway, out);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void settings(String[] a, GatewayClient gateway, PrintStream out) {
        Map<String, Object> change = new LinkedHashMap<>();
        List<String> redact = new ArrayList<>();
        boolean clearRedact = false;
        for (int i = 2; i < a.length; i++) {
            switch (a[i]) {
                case "--enable" -> change.put("enabled", true);
                case "--disable" -> change.put("enabled", false);
                case "--no-redact" -> clearRedact = true;
                case "--retention-days" -> change.put("retentionDays", whole("--retention-days", value(a, i++)));
                case "--redact" -> redact.add(value(a, i++));
                default -> throw new IllegalArgumentException("unknown option " + a[i]
                        + " (known: --enable, --disable, --retention-days, --redact, --no-redact)");
            }
        }
        if (a.length > 2 && List.of(a).contains("--enable") && List.of(a).contains("--disable")) {
            throw new IllegalArgumentException("--enable or --disable, not both");
        }
        if (clearRedact && !redact.isEmpty()) {
            throw new IllegalArgumentException("--redact or --no-redact, not both");
        }
        if (clearRedact || !redact.isEmpty()) {
            change.put("redact", redact);
        }
        JsonNode settings = change.isEmpty() ? gateway.get("v1/capture/settings") : gateway.putJson("v1/capture/settings", change);
        out.println(settings.toPrettyString());
    }

    private static void export(String[] a, GatewayClient gateway, PrintStream out) {
        Map<String, String> flags = flags(a, 2, "--kind", "--since", "--until", "--out", "--upload", "--to-collection");
        String kind = flags.get("--kind");
        if (!List.of("sft", "preference").contains(String.valueOf(kind))) {
            throw new IllegalArgumentException("--kind sft or --kind preference");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("kind", kind);
        params.put("since", flags.getOrDefault("--since", ""));
        params.put("until", flags.getOrDefault("--until", ""));
        String path = "v1/capture/export" + query(params);
        String upload = flags.get("--upload");
        String collection = flags.get("--to-collection");
        if (upload != null && collection != null) {
            throw new IllegalArgumentException("--upload NAME or --to-collection ID, not both");
        }
        if (flags.get("--out") == null && upload == null && collection == null) {
            gateway.download(path, out); // the dataset itself is the output
            out.flush();
            return;
        }
        try {
            Path file = flags.get("--out") != null ? Path.of(flags.get("--out")) : Files.createTempFile("refinery-capture-", ".jsonl");
            long bytes;
            try (OutputStream to = Files.newOutputStream(file)) {
                bytes = gateway.download(path, to);
            }
            try {
                if (collection != null) {
                    // the feed of captured traffic into a collection: run again (e.g. from cron), only what is new is stored
                    ContinuousCommands.send(gateway, collection, file, "capture-" + kind, out);
                    return;
                }
                if (upload == null) {
                    out.println(lines(file) + " examples written to " + file);
                    return;
                }
                if (bytes == 0) {
                    throw new IllegalStateException("nothing to export: no captured answer has the feedback a " + kind
                            + " example needs, so no dataset was uploaded");
                }
                out.println(gateway.uploadDataset(file, upload, null).path("id").asText());
            } finally {
                if (flags.get("--out") == null) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void feedback(String[] a, GatewayClient gateway, PrintStream out) {
        String id = FlagValues.positional(a, 1, "RESPONSE_ID");
        Map<String, String> flags = flags(a, 2, "--rating", "--thumbs", "--correction");
        if (flags.isEmpty()) {
            throw new IllegalArgumentException("give at least one of --rating 1-5, --thumbs up|down, --correction TEXT");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("responseId", id);
        if (flags.containsKey("--rating")) {
            body.put("rating", whole("--rating", flags.get("--rating")));
        }
        if (flags.containsKey("--thumbs")) {
            body.put("thumbs", flags.get("--thumbs"));
        }
        if (flags.containsKey("--correction")) {
            body.put("correction", flags.get("--correction"));
        }
        out.println(gateway.postJson("v1/feedback", body, null).toPrettyString());
    }

    private static long lines(Path file) throws IOException {
        try (var l = Files.lines(file)) {
            return l.filter(s -> !s.isBlank()).count();
        }
    }

    private static String value(String[] a, int i) {
        if (i + 1 >= a.length) {
            throw new IllegalArgumentException(a[i] + " needs a value");
        }
        return a[i + 1];
    }

    private static int whole(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, not " + value);
        }
    }

    private static String query(Map<String, String> params) {
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> {
            if (!v.isEmpty()) {
                q.append(q.length() == 0 ? '?' : '&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }

    /** The options from {@code from} on, each one of {@code known}. */
    private static Map<String, String> flags(String[] a, int from, String... known) {
        Map<String, String> out = new LinkedHashMap<>();
        for (FlagValues f : FlagValues.from(a, from)) {
            if (!List.of(known).contains(f.flag())) {
                throw new IllegalArgumentException("unknown option " + f.flag() + " (known: " + String.join(", ", known) + ")");
            }
            out.put(f.flag(), f.value());
        }
        return out;
    }
}
