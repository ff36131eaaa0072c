package dev.refinery.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code datasets upload FILE [NAME] [--option value]...}: the check options go to the API as its query parameters. */
record UploadArgs(Path file, String name, Map<String, String> checks) {

    /** Flag to query parameter, as ingest-service names them. */
    private static final Map<String, String> OPTIONS = Map.of("--target", "target", "--model", "model", "--splits", "splits",
            "--dedup", "dedup", "--over-context", "overContext", "--epochs", "epochs", "--evals", "evals", "--test-set", "testSet");

    static UploadArgs parse(String[] a) {
        if (a.length < 3) {
            throw new IllegalArgumentException("missing FILE");
        }
        Path file = Path.of(a[2]);
        String name = "dataset";
        Map<String, String> checks = new LinkedHashMap<>();
        for (int i = 3; i < a.length; i++) {
            String query = OPTIONS.get(a[i]);
            if (query != null) {
                if (i + 1 >= a.length) {
                    throw new IllegalArgumentException(a[i] + " needs a value");
                }
                checks.put(query, a[++i]);
            } else if (a[i].startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + a[i] + "; known: " + Set.copyOf(OPTIONS.keySet()));
            } else {
                name = a[i];
            }
        }
        return new UploadArgs(file, name, checks);
    }
}
