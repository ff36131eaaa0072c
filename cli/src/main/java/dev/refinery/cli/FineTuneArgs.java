package dev.refinery.cli;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code fine-tunes create DATASET_ID [MODEL] [options]}: the body of POST /v1/fine-tunes. Only what the user gives is
 * sent; every other setting gets the service's default, which the job records with its source.
 *
 * @param body           the request body
 * @param idempotencyKey the Idempotency-Key header, or null
 */
record FineTuneArgs(Map<String, Object> body, String idempotencyKey) {

    static final String USAGE = """
            fine-tunes create DATASET_ID [MODEL] [--model ID] [--backend local|together|fireworks|openai|kubernetes]
                              [--method sft|dpo] [--from-job JOB_ID] [--budget USD] [--set NAME=VALUE ...]
                              [--idempotency-key KEY]
                                                start a fine-tune; --set gives one hyperparameter (repeat it),
                                                e.g. --set epochs=3 --set learningRate=0.005 --set dpoBeta=0.2
            """;

    private static final Map<String, String> TEXT = Map.of("--model", "baseModel", "--backend", "backend", "--method", "method",
            "--from-job", "fromJob");

    static FineTuneArgs parse(String[] a) {
        if (a.length < 3 || a[2].startsWith("--")) {
            throw new IllegalArgumentException("missing DATASET_ID");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("datasetId", a[2]);
        int i = 3;
        if (i < a.length && !a[i].startsWith("--")) {
            body.put("baseModel", a[i++]);
        }
        Map<String, Object> hyperparameters = new LinkedHashMap<>();
        String key = null;
        for (FlagValues option : FlagValues.from(a, i)) {
            String flag = option.flag();
            String value = option.value();
            if (TEXT.containsKey(flag)) {
                body.put(TEXT.get(flag), value);
            } else if (flag.equals("--budget")) {
                body.put("budgetUsd", dollars(value));
            } else if (flag.equals("--set")) {
                int eq = value.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--set needs NAME=VALUE, got '" + value + "'");
                }
                hyperparameters.put(value.substring(0, eq).strip(), typed(value.substring(eq + 1).strip()));
            } else if (flag.equals("--idempotency-key")) {
                key = value;
            } else {
                throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (!hyperparameters.isEmpty()) {
            body.put("hyperparameters", hyperparameters);
        }
        return new FineTuneArgs(body, key);
    }

    private static BigDecimal dollars(String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--budget needs an amount in US dollars, got '" + value + "'");
        }
    }

    /**
     * A hyperparameter as JSON would carry it: whole numbers, decimals and booleans as such, anything else as text
     * (lists as comma-separated text, which the services accept for LoRA target modules). The service checks the range.
     */
    static Object typed(String value) {
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException notWhole) {
            try {
                double d = Double.parseDouble(value);
                return Double.isFinite(d) ? d : value;
            } catch (NumberFormatException notNumber) {
                return value;
            }
        }
    }
}
